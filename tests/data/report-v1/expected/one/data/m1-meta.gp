# written by softbench report: what the plots of AMD EPYC draw
titles = "scalar.naive scalar.threepass scalar.twopass scalar.online avx2.threepass avx2.twopass avx512.twopass avx512.accurate peer.libm peer.onednn floor.read floor.rw"
kinds = "kernel kernel kernel kernel kernel kernel kernel kernel peer peer floor floor"
N = 12
caption = "AMD EPYC, usable ISA avx512, gcc 12.2.0, 2026-12-07T12:03:37Z"
acc_titles = "scalar.naive scalar.threepass scalar.twopass scalar.online avx2.threepass avx2.twopass avx512.twopass avx512.accurate peer.libm peer.onednn"
acc_kinds = "kernel kernel kernel kernel kernel kernel kernel kernel peer peer"
NACC = 10
baseline = "peer.libm"
NPARETO = 3
pareto_n1 = 256
pareto_n2 = 1000
pareto_n3 = 4096
cache_L1d = 6144
cache_L2 = 131072
cache_L3 = 66584576
nmin = 256
nmax = 2000000
