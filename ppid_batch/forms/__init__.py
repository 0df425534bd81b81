"""SOP step 1: reading, checking and answering the Form Daftar Informasi Publik."""
