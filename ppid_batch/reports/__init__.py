"""The SOP's records: facts, matriks kegiatan, laporan tahunan, charts."""
