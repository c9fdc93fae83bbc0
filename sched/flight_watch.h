/* The recorder's hooks into gic/ and sync/ (sched/flight_watch.c): set by
 * flight_start, cleared by flight_stop. */
#ifndef ARMADA_SCHED_FLIGHT_WATCH_H
#define ARMADA_SCHED_FLIGHT_WATCH_H

void flight_watch_start(void);
void flight_watch_stop(void);

#endif
