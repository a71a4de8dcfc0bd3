# time.gp - time per element against n, log-log: one line per kernel (ours
# solid, peers dashed, floors dotted) at the median, the min-max band
# shaded, and dotted verticals where x and y together (8 bytes per element)
# fill L1d, L2 and L3. Reads data/<prefix>time.dat (one block per series)
# and data/<prefix>meta.gp. Run in the report folder by softbench report:
#   gnuplot -e "prefix='m1-'; term='svg'; sdir='reports'" reports/time.gp
name = "time"
load sprintf("data/%smeta.gp", prefix)
load sdir."/common.gp"
file = sprintf("data/%stime.dat", prefix)
set title "Time per element against n (median; shaded: min to max)"
set logscale xy
set xlabel "n (elements, log scale)"
set ylabel "time per element (ns, log scale)"
set format x "10^{%L}"
# one size alone still gets a range
if (nmin == nmax) { set xrange [nmin / 2.0:nmax * 2.0] } else { set xrange [nmin:nmax] }
do for [l in "L1d L2 L3"] {
    c = value("cache_".l)
    if (c > nmin && c < nmax) {
        set arrow from c, graph 0 to c, graph 1 nohead dt 3 lc rgb "#888888"
        set label sprintf("%s", l) at c, graph 0.98 right offset -0.4,0 font ",9" textcolor rgb "#666666"
    }
}
plot for [i=1:N] file index (i-1) using 1:3:4 with filledcurves lc i fs transparent solid 0.12 noborder notitle, \
     for [i=1:N] file index (i-1) using 1:2 with linespoints lc i dt dashof(word(kinds, i)) pt 7 ps 0.45 lw 1.6 title word(titles, i)
