// Start django-prose-editor on the admin's article body without an import map.
//
// The package's own "configurable" preset imports its editor by a bare module name, which
// needs an inline <script type="importmap">; the site's CSP allows no inline script. This
// module does what that preset does, loading the editor bundle from the URL the textarea
// names (data-prose-editor-module, resolved by Django's static files, so hashed names work).
const ATTRIBUTE = "data-django-prose-editor-configurable";

async function start(textarea) {
  if (textarea.closest(".prose-editor")) return;
  const editor = await import(textarea.dataset.proseEditorModule);
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const extensions = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = editor[name];
    if (!extension) continue;
    extensions.push(typeof options === "object" ? extension.configure(options) : extension);
  }
  const instance = editor.createTextareaEditor(textarea, extensions);
  textarea.dispatchEvent(
    new CustomEvent("prose-editor:ready", { detail: { editor: instance, textarea }, bubbles: true }),
  );
}

const first = document.querySelector(`[${ATTRIBUTE}][data-prose-editor-module]`);
if (first) {
  import(first.dataset.proseEditorModule).then((editor) =>
    editor.initializeEditors(
      (textarea) => start(textarea).catch((error) => console.error("prose editor:", error)),
      `[${ATTRIBUTE}][data-prose-editor-module]`,
    ),
  );
}
