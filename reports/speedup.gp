# speedup.gp - speed-up over the baseline (meta: baseline; peer.libm unless
# --baseline says otherwise) against n: time(baseline) / time(kernel), one
# line per kernel and peer (the floors left out: they compute nothing).
name = "speedup"
load sprintf("data/%smeta.gp", prefix)
load sdir."/common.gp"
file = sprintf("data/%sspeedup.dat", prefix)
set title sprintf("Speed-up over %s against n", baseline)
set logscale xy
set xlabel "n (elements, log scale)"
set ylabel sprintf("time(%s) / time(kernel) (log scale)", baseline)
set format x "10^{%L}"
# one size alone still gets a range
if (nmin == nmax) { set xrange [nmin / 2.0:nmax * 2.0] } else { set xrange [nmin:nmax] }
plot for [i=1:N] file index (i-1) using 1:(word(kinds, i) eq "floor" ? 1/0 : $2) with linespoints lc i dt dashof(word(kinds, i)) pt 7 ps 0.45 lw 1.6 title (word(kinds, i) eq "floor" ? "" : word(titles, i))
