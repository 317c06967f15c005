int app1_offset() { return 1; }
