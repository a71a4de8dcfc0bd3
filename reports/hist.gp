# hist.gp - the distribution of per-element errors in ULP, per kernel and
# peer, over every verify row with an exact reference: the fraction of the
# elements in each bin (0, then up to 0.5, 1, 2, 3, 4, then powers of two).
# Reads data/<prefix>hist.dat (bin, fraction) and data/<prefix>hist.gp (the
# titles and the bins' labels).
name = "hist"
load sprintf("data/%smeta.gp", prefix)
load sdir."/common.gp"
load sprintf("data/%shist.gp", prefix)
file = sprintf("data/%shist.dat", prefix)
set title "Per-element error distribution (all verify rows with an exact reference)"
set logscale y
set format y "10^{%L}"
set xrange [-0.5:hist_top + 0.5]
set xtics rotate by -45 font ",9"
set xlabel "error (ULP; a bin holds errors above the previous label up to its own)"
set ylabel "fraction of the elements (log scale)"
plot for [i=1:NHIST] file index (i-1) using 1:2 with linespoints lc i dt dashof(word(hist_kinds, i)) pt 7 ps 0.6 lw 1.6 title word(hist_titles, i)
