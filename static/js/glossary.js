/* crosstalk — glossary (loaded with defer; no inline scripts: CSP). */
