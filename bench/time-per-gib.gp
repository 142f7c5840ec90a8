# SPDX-License-Identifier: GPL-2.0
# time-per-gib.gp - plot time-per-gib.dat (written by analyze.py) as
# time-per-gib.png: median ms per GiB against range size, min-max as
# error bars, for both tools. Run in the results directory.
set terminal pngcairo size 1000,420 font ",10"
set output "time-per-gib.png"
set datafile missing "NaN"
set logscale x 2
set xlabel "range size (GiB)"
set ylabel "ms per GiB (median, min-max)"
set grid
set key top right
set yrange [0:*]
set offsets graph 0.03, graph 0.03, 0, 0
set multiplot layout 1,2 title "memplug vs daxctl, Debian 6.1 under QEMU TCG (relative figures only)"
set title "plug + online"
plot "time-per-gib.dat" using 1:2:3:4 with yerrorlines lw 2 title "memplugctl plug", \
     "" using 1:5:6:7 with yerrorlines lw 2 title "daxctl reconfigure-device system-ram"
set title "offline + unplug"
plot "time-per-gib.dat" using 1:8:9:10 with yerrorlines lw 2 title "memplugctl unplug", \
     "" using 1:11:12:13 with yerrorlines lw 2 title "daxctl offline-memory + devdax"
unset multiplot
