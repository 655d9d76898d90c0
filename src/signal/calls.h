/* calls.h: internal. The pairs of sessions the signaling engine keeps (docs/protocol.md,
 * "Calls"): each session has a table of records, one for each peer it has sent an offer
 * to, received one from, or is in a call with. A pair always has a record on both sides,
 * each naming the other side's table. Nothing here sends a message: mc_signal.c decides
 * who is told what. */
#ifndef MC_CALLS_H
#define MC_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "mc_signal.h"

typedef struct mc_calls mc_calls;

/* One record: MC_SIGNAL_CALL_* flags from the owner's side (0 only while being made). */
typedef struct mc_call {
    mc_calls *peer;              /* the other side's table */
    int state;
    uint64_t changed;            /* the engine's clock when an offer/answer last touched it */
} mc_call;

/* A session's table; the session owns the memory of `rec` (max records). */
struct mc_calls {
    mc_signal_session *owner;
    mc_call *rec;                /* rec[0, n) in use */
    size_t n, max;
};

/* The index of c's record of `peer`, or -1. */
long mc_calls_find(const mc_calls *c, const mc_calls *peer);

/* Whether c has an answered record (is in a call) with anyone. */
int mc_calls_in_call(const mc_calls *c);

/* The index of c's oldest record that only holds an unanswered offer, or -1: with
 * `received_only`, only offers c received (not its own). These are what a full table gives
 * up for a new offer, so stale offers never block a session for good. */
long mc_calls_oldest_pending(const mc_calls *c, int received_only);

/* The record changed last (NULL when there is none). */
const mc_call *mc_calls_latest(const mc_calls *c);

/* Forget the pair of c's record i, on both sides. */
void mc_calls_drop(mc_calls *c, long i);

/* Move the records of `from` (a stale session losing its name to a takeover) to `to`,
 * which has none: every peer's record then names `to`. */
void mc_calls_move(mc_calls *from, mc_calls *to);

/* An offer from s to `to` was delivered. rec: s's record of `to`, or -1 for a new pair,
 * for which evict_s / evict_to, when not -1, are the records to give up first (silently)
 * to make room. A new pair is "offered by s"; an existing one gains the flags unless it is
 * a call already (an offer within a call renegotiates it). Advances *clock. */
void mc_calls_offer(mc_calls *s, mc_calls *to, long rec, long evict_s, long evict_to,
                    uint64_t *clock);

/* An answer from s to `to` was delivered; rec is s's record of `to`. It makes a call when
 * `to` had offered s one (then *clock advances); an answer nobody asked for changes
 * nothing, or anyone could make himself somebody's call partner. */
void mc_calls_answer(mc_calls *s, mc_calls *to, long rec, uint64_t *clock);

#endif /* MC_CALLS_H */
