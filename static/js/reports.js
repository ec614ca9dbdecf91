/* crosstalk — reports (loaded with defer; no inline scripts: CSP). */
