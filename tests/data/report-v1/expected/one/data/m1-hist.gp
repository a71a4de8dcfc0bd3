NHIST = 10
hist_titles = "scalar.threepass scalar.twopass scalar.online avx2.threepass avx2.twopass avx512.twopass avx512.accurate scalar.naive peer.libm peer.onednn"
hist_kinds = "kernel kernel kernel kernel kernel kernel kernel kernel peer peer"
hist_top = 9
set xtics ("0" 0, "<=0.5" 1, "<=1" 2, "<=2" 3, "<=3" 4, "<=4" 5, "<=8" 6, "<=16" 7, "<=32" 8, "<=64" 9)
