# pareto.gp - accuracy against speed at three sizes (meta: pareto_n1..3):
# each kernel and peer a labelled point (ns per element, max ULP over the
# datasets at that n), and the Pareto front (no other point both faster and
# more accurate) as a line, its points named in black, the others in small
# grey. data/<prefix>pareto.dat holds, per size, a block of points (column 4:
# on the front) and then a block with the front.
name = "pareto"
load sprintf("data/%smeta.gp", prefix)
load sdir."/common.gp"
file = sprintf("data/%spareto.dat", prefix)
set key inside top right
unset label 100
set multiplot layout 1, NPARETO title "Accuracy against speed (lower left is better; the line is the Pareto front)" font ",13"
set label 100 caption at screen 0.01, screen 0.025 left font ",9" textcolor rgb "#555555"
set logscale xy
set xlabel "ns per element (log)"
set ylabel "max error (ULP, log; 0 at 0.1)"
set offsets graph 0.08, graph 0.35, graph 0.15, graph 0.1
do for [p=1:NPARETO] {
    set title sprintf("n = %d", value(sprintf("pareto_n%d", p)))
    plot file index (2*p - 2) using 1:2 with points pt 7 ps 0.8 lc rgb "#1f77b4" notitle, \
         '' index (2*p - 2) using 1:2:($4 > 0 ? stringcolumn(3) : "") with labels left offset 0.6,0.4 font ",9" notitle, \
         '' index (2*p - 2) using 1:2:($4 > 0 ? "" : stringcolumn(3)) with labels left rotate by 35 offset 0.5,0.3 font ",7" textcolor rgb "#777777" notitle, \
         '' index (2*p - 1) using 1:2 with lines lw 2 lc rgb "#d62728" title "Pareto front"
    unset label 100
}
unset multiplot
