/* calls.c: the tables of call records on both sides of each pair (see calls.h). */
#include "calls.h"

long mc_calls_find(const mc_calls *c, const mc_calls *peer)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (c->rec[i].peer == peer)
            return (long)i;
    }
    return -1;
}

int mc_calls_in_call(const mc_calls *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (c->rec[i].state & MC_SIGNAL_CALL_ANSWERED)
            return 1;
    }
    return 0;
}

long mc_calls_oldest_pending(const mc_calls *c, int received_only)
{
    long best = -1;
    size_t i;

    for (i = 0; i < c->n; i++) {
        int st = c->rec[i].state;

        if ((st & MC_SIGNAL_CALL_ANSWERED) ||
            (received_only && st != MC_SIGNAL_CALL_OFFER_RECEIVED))
            continue;
        if (best < 0 || c->rec[i].changed < c->rec[best].changed)
            best = (long)i;
    }
    return best;
}

const mc_call *mc_calls_latest(const mc_calls *c)
{
    const mc_call *last = NULL;
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (last == NULL || c->rec[i].changed > last->changed)
            last = &c->rec[i];
    }
    return last;
}

static void remove_record(mc_calls *c, long i)
{
    c->rec[i] = c->rec[--c->n];
}

void mc_calls_drop(mc_calls *c, long i)
{
    mc_calls *p = c->rec[i].peer;
    long j = mc_calls_find(p, c);

    if (j >= 0)
        remove_record(p, j);
    remove_record(c, i);
}

void mc_calls_move(mc_calls *from, mc_calls *to)
{
    size_t i;

    for (i = 0; i < from->n; i++) {
        mc_calls *p = from->rec[i].peer;
        long j = mc_calls_find(p, from);

        if (j >= 0)
            p->rec[j].peer = to;
        to->rec[i] = from->rec[i];
    }
    to->n = from->n;
    from->n = 0;
}

/* A new pair's record on one side. */
static long add_record(mc_calls *c, mc_calls *peer)
{
    c->rec[c->n].peer = peer;
    c->rec[c->n].state = 0;
    c->rec[c->n].changed = 0;
    return (long)c->n++;
}

void mc_calls_offer(mc_calls *s, mc_calls *to, long rec, long evict_s, long evict_to,
                    uint64_t *clock)
{
    long back;

    ++*clock;
    if (rec < 0) {
        /* Silently: the other side of an evicted offer is not told (docs/protocol.md). */
        if (evict_s >= 0)
            mc_calls_drop(s, evict_s);
        /* That touched s and its evicted peer only, never `to` (s had no record of it). */
        if (evict_to >= 0)
            mc_calls_drop(to, evict_to);
        rec = add_record(s, to);
        add_record(to, s);
    }
    back = mc_calls_find(to, s);
    if (!(s->rec[rec].state & MC_SIGNAL_CALL_ANSWERED)) {
        s->rec[rec].state |= MC_SIGNAL_CALL_OFFER_SENT;
        to->rec[back].state |= MC_SIGNAL_CALL_OFFER_RECEIVED;
    }
    s->rec[rec].changed = *clock;
    to->rec[back].changed = *clock;
}

void mc_calls_answer(mc_calls *s, mc_calls *to, long rec, uint64_t *clock)
{
    long back = mc_calls_find(to, s);

    if (!(s->rec[rec].state & (MC_SIGNAL_CALL_OFFER_RECEIVED | MC_SIGNAL_CALL_ANSWERED)))
        return;
    ++*clock;
    s->rec[rec].state = MC_SIGNAL_CALL_ANSWERED;
    to->rec[back].state = MC_SIGNAL_CALL_ANSWERED;
    s->rec[rec].changed = *clock;
    to->rec[back].changed = *clock;
}
