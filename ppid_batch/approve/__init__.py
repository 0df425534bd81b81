"""SOP step 2: the Atasan PPID's approval sheet, checked and applied; arahan back to units."""
