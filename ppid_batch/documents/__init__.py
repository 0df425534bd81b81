"""SOP step 3: the documents the PPID signs and publishes (xlsx, docx, html, pdf)."""
