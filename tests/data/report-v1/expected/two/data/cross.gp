N = 2
cpu1 = "AMD EPYC (avx512)"
cpu2 = "Test CPU B (avx512)"
