/* crosstalk — sources (loaded with defer; no inline scripts: CSP). */
