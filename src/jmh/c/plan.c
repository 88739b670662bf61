/* The five packing rules and their estimators in C, planning the same four packets as
 * PlanBenchmark (mtu, gso64k, smallfrags, gso65535) into the same layout as PlanBuffer (five ints
 * per op, four per slot, the extra fields apart): the yardstick the Java planning figures are read
 * against in docs/performance.md. Bench tooling only, not part of the library.
 *
 *   gcc -O2 -o target/cplan src/jmh/c/plan.c && target/cplan        # ns per packet, min/p10/median
 *   target/cplan dump                                                # the plans, to compare by eye
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE 4096
#define MAXF 18
#define MAXOPS 128
#define MAXSLOTS 64
#define OP 5
#define SLOT 4

#define RXF_DATA_VALIDATED 0x1
#define RXF_CSUM_BLANK 0x2
#define RXF_MORE_DATA 0x4
#define RXF_EXTRA_INFO 0x8
#define EXTRA_TYPE_GSO 1
#define EXTRA_TYPE_HASH 4
#define EXTRA_FLAG_MORE 1
#define RSP_NULL 1
#define KIND_DATA 0
#define KIND_EXTRA 1
#define HEAD (-1)

typedef struct {
    int head_off, head_len, nfrags;
    int fo[MAXF], fl[MAXF];
    int gso_size, gso_type; /* gso_type: 1 tcpv4, 2 tcpv6; 0 none */
    int csum; /* 0 none, 1 partial, 2 unnecessary */
    int has_hash, hash_val, hash_type;
    int len;
} skb_t;

typedef struct {
    int len, max, nops, nslots, estimate;
    int ops[MAXOPS * OP];
    int slots[MAXSLOTS * SLOT];
    int xtype[MAXSLOTS], xgso_size[MAXSLOTS], xgso_type[MAXSLOTS], xhash_val[MAXSLOTS], xhash_type[MAXSLOTS];
} plan_t;

static const int gso_mask = (1 << 1) | (1 << 2); /* both types negotiated as extras */
static const int hash_on = 1;

static int csum_flags(const skb_t *s) {
    return s->csum == 1 ? RXF_CSUM_BLANK | RXF_DATA_VALIDATED : s->csum == 2 ? RXF_DATA_VALIDATED : 0;
}
static int gso_bit(const skb_t *s) { return s->gso_size ? 1 << s->gso_type : 0; }

static inline void put_op(int *ops, int o, int src, int src_off, int slot, int dst, int len) {
    ops[o] = src; ops[o + 1] = src_off; ops[o + 2] = slot; ops[o + 3] = dst; ops[o + 4] = len;
}
static inline void put_data(int *slots, int s, int status, int flags) {
    int i = s * SLOT;
    slots[i] = KIND_DATA; slots[i + 1] = status; slots[i + 2] = 0; slots[i + 3] = flags;
}
static inline void put_extra(plan_t *p, int s, int type, int flags, int gso_size, int gso_type, int hv, int ht) {
    int i = s * SLOT;
    p->slots[i] = KIND_EXTRA; p->slots[i + 1] = RSP_NULL; p->slots[i + 2] = 0; p->slots[i + 3] = flags;
    p->xtype[s] = type; p->xgso_size[s] = gso_size; p->xgso_type[s] = gso_type;
    p->xhash_val[s] = hv; p->xhash_type[s] = ht;
}

static void bug(const char *what) { fprintf(stderr, "BUG: %s\n", what); exit(2); }

/* ---- coalesce: netbk_gop_skb / netbk_gop_frag_copy of 2010, MAX_BUFFER_OFFSET 4096 ---------- */
__attribute__((noinline)) void plan_coalesce(const skb_t *s, plan_t *p) {
    if ((s->head_off & (PAGE - 1)) + s->head_len > PAGE) bug("head");
    p->len = s->len; p->max = PAGE;
    int extra = (gso_mask & gso_bit(s)) != 0;
    if (extra) put_extra(p, 1, EXTRA_TYPE_GSO, 0, s->gso_size, s->gso_type, 0, 0);
    int flags = csum_flags(s) | (extra ? RXF_EXTRA_INFO : 0);
    int *ops = p->ops, *slots = p->slots;
    int o = 0, meta = 0, slot = 0, copy_off = s->head_len;
    if (copy_off > 0) { put_op(ops, 0, HEAD, s->head_off, 0, 0, copy_off); o = OP; }
    for (int k = 0; k < s->nfrags; k++) {
        int size = s->fl[k];
        if (s->fo[k] + size > PAGE) bug("frag");
        if (copy_off + size > PAGE && copy_off != 0) { /* start_new_rx_buffer */
            put_data(slots, slot, copy_off, flags | RXF_MORE_DATA);
            meta++; slot = meta + extra; flags = 0; copy_off = 0;
        }
        put_op(ops, o, k, s->fo[k], slot, copy_off, size);
        o += OP; copy_off += size;
    }
    put_data(slots, slot, copy_off, flags);
    p->nops = o / OP; p->nslots = meta + 1 + extra;
}

/* count_skb_slots of 2010 */
__attribute__((noinline)) int est_coalesce(const skb_t *s) {
    int max = PAGE, count = 1, copy_off = s->head_len;
    if (s->head_len > max) { count = (s->head_len + max - 1) / max; copy_off = s->head_len - (count - 1) * max; }
    if (s->gso_size) count++;
    for (int k = 0; k < s->nfrags; k++) {
        int size = s->fl[k];
        while (size > 0) {
            if (copy_off == max || (copy_off + size > max && size <= max && copy_off)) { count++; copy_off = 0; }
            int bytes = size < max - copy_off ? size : max - copy_off;
            copy_off += bytes; size -= bytes;
        }
    }
    return count;
}

/* ---- per-frag: netbk_gop_skb / netbk_gop_frag before 2010 ---------------------------------- */
__attribute__((noinline)) void plan_per_frag(const skb_t *s, plan_t *p) {
    p->len = s->len; p->max = PAGE;
    int extras = (gso_mask & gso_bit(s)) != 0;
    int n = s->nfrags, *ops = p->ops, *slots = p->slots, o = 0;
    for (int k = 0; k < n; k++, o += OP) put_op(ops, o, k, s->fo[k], k + 1 + extras, 0, s->fl[k]);
    put_op(ops, o, HEAD, s->head_off, 0, 0, s->head_len);
    put_data(slots, 0, (short) s->head_len,
             csum_flags(s) | (extras ? RXF_EXTRA_INFO : 0) | (n > 0 ? RXF_MORE_DATA : 0));
    if (extras) put_extra(p, 1, EXTRA_TYPE_GSO, 0, s->gso_size, s->gso_type, 0, 0);
    for (int k = 0; k < n; k++) put_data(slots, k + 1 + extras, (short) s->fl[k], k < n - 1 ? RXF_MORE_DATA : 0);
    p->nops = n + 1; p->nslots = n + 1 + extras;
}

__attribute__((noinline)) int est_per_frag(const skb_t *s) { return s->nfrags + 1 + (s->gso_size ? 1 : 0); }

/* ---- coalesce-compound: xenvif_gop_skb / xenvif_gop_frag_copy (3.7-3.19), chunks cut at frames */
__attribute__((noinline)) void plan_compound(const skb_t *s, plan_t *p) {
    const int max = PAGE;
    p->len = s->len; p->max = max;
    int extra = (gso_mask & gso_bit(s)) != 0;
    if (extra) put_extra(p, 1, EXTRA_TYPE_GSO, 0, s->gso_size, s->gso_type, 0, 0);
    int flags = csum_flags(s) | (extra ? RXF_EXTRA_INFO : 0);
    int *ops = p->ops, *slots = p->slots;
    int o = 0, meta = 0, slot = 0, copy_off = 0;
    for (int src = -1; src < s->nfrags; src++) {
        int offset = src < 0 ? s->head_off : s->fo[src];
        int size = src < 0 ? s->head_len : s->fl[src];
        while (size > 0) {
            int chunk = size < PAGE - (offset & (PAGE - 1)) ? size : PAGE - (offset & (PAGE - 1));
            if (copy_off == max || (copy_off + chunk > max && chunk <= max && copy_off)) {
                put_data(slots, slot, copy_off, flags | RXF_MORE_DATA);
                meta++; slot = meta + extra; flags = 0; copy_off = 0;
            }
            int bytes = chunk < max - copy_off ? chunk : max - copy_off;
            put_op(ops, o, src, offset, slot, copy_off, bytes);
            o += OP; copy_off += bytes; offset += bytes; size -= bytes;
        }
    }
    put_data(slots, slot, copy_off, flags);
    p->nops = o / OP; p->nslots = meta + 1 + extra;
}

/* xenvif_count_skb_slots (3.10-stable .. 3.13): the same walk, counting, plus one for gso_size */
__attribute__((noinline)) int est_compound(const skb_t *s) {
    const int max = PAGE;
    int meta = 0, copy_off = 0, head = 1;
    for (int src = -1; src < s->nfrags; src++) {
        int offset = src < 0 ? s->head_off : s->fo[src];
        int size = src < 0 ? s->head_len : s->fl[src];
        while (size > 0) {
            int chunk = size < PAGE - (offset & (PAGE - 1)) ? size : PAGE - (offset & (PAGE - 1));
            if (copy_off == max || (copy_off + chunk > max && chunk <= max && copy_off && !head)) { meta++; copy_off = 0; }
            int bytes = chunk < max - copy_off ? chunk : max - copy_off;
            copy_off += bytes; offset += bytes; size -= bytes; head = 0;
        }
    }
    return meta + 1 + (s->gso_size ? 1 : 0);
}

/* ---- full-page (rx.c) and freebsd: slots filled to 4096 bytes ------------------------------ */
static inline void fill_pages(const skb_t *s, plan_t *p, int o, int extras, int flags, int cut, int limit) {
    int *ops = p->ops, *slots = p->slots;
    int d = 0, slot = 0, off = 0, remaining = limit;
    for (int source = -1; source < s->nfrags && remaining > 0; source++) {
        int src = source < 0 ? s->head_off : s->fo[source];
        int left = source < 0 ? s->head_len : s->fl[source];
        if (left > remaining) left = remaining;
        remaining -= left;
        while (left > 0) {
            if (off == PAGE) {
                put_data(slots, slot, PAGE, flags | RXF_MORE_DATA);
                flags = 0; d++; slot = d + extras; off = 0;
            }
            int chunk = left < PAGE - off ? left : PAGE - off;
            if (cut && chunk > PAGE - (src & (PAGE - 1))) chunk = PAGE - (src & (PAGE - 1));
            put_op(ops, o, source, src, slot, off, chunk);
            o += OP; off += chunk; src += chunk; left -= chunk;
        }
    }
    put_data(slots, slot, off, flags);
    p->nops = o / OP; p->nslots = d + extras + 1;
}

/* xenvif_rx_skb: data slot 0, the extras, data slots 1.. (xenvif_rx_next_chunk) */
__attribute__((noinline)) void plan_full_page(const skb_t *s, plan_t *p) {
    p->len = s->len; p->max = PAGE;
    int gso = (gso_mask & gso_bit(s)) != 0, hash = hash_on && s->has_hash;
    int extras = gso + hash;
    if (gso) put_extra(p, 1, EXTRA_TYPE_GSO, hash ? EXTRA_FLAG_MORE : 0, s->gso_size, s->gso_type, 0, 0);
    if (hash) put_extra(p, extras, EXTRA_TYPE_HASH, 0, 0, 0, s->hash_val, s->hash_type);
    int flags = csum_flags(s) | (extras ? RXF_EXTRA_INFO : 0), o = 0;
    if (s->head_len == 0) { put_op(p->ops, 0, HEAD, s->head_off, 0, 0, 0); o = OP; }
    fill_pages(s, p, o, extras, flags, 1, s->len);
}

/* rx_slots_needed */
__attribute__((noinline)) int est_full_page(const skb_t *s) {
    return (s->len + PAGE - 1) / PAGE + (s->gso_size ? 1 : 0) + (hash_on && s->has_hash);
}

/* xnb_mbufc2pkt, xnb_rxpkt2gnttab, xnb_rxpkt2rsp */
__attribute__((noinline)) void plan_freebsd(const skb_t *s, plan_t *p) {
    p->len = s->len; p->max = PAGE;
    int tso = (gso_mask & gso_bit(s)) != 0;
    int size = s->len & 0xFFFF;
    int csum = tso || s->csum == 1;
    int flags = (csum ? RXF_CSUM_BLANK | RXF_DATA_VALIDATED : 0) | (tso ? RXF_EXTRA_INFO : 0);
    if (size == 0) {
        if (tso) put_data(p->slots, 0, 0, flags);
        p->nops = 0; p->nslots = tso;
        return;
    }
    if (tso) put_extra(p, 1, EXTRA_TYPE_GSO, 0, s->gso_size, s->gso_type, 0, 0);
    int o = 0;
    if (s->head_len == 0) { put_op(p->ops, 0, HEAD, s->head_off, 0, 0, 0); o = OP; }
    fill_pages(s, p, o, tso, flags, 0, size);
}

/* list_len = ceil(size / 4096) + the GSO extra */
__attribute__((noinline)) int est_freebsd(const skb_t *s) {
    return ((s->len & 0xFFFF) + PAGE - 1) / PAGE + ((gso_mask & gso_bit(s)) != 0);
}

/* ---- the packets of PlanBenchmark ----------------------------------------------------------- */
static void finish(skb_t *s) {
    s->len = s->head_len;
    for (int k = 0; k < s->nfrags; k++) s->len += s->fl[k];
}
static skb_t mtu(void) { skb_t s = {0}; s.head_off = 64; s.head_len = 1514; finish(&s); return s; }
static skb_t gso64k(void) {
    skb_t s = {0}; s.head_off = 2; s.head_len = 66; s.gso_size = 1448; s.gso_type = 1; s.csum = 1;
    s.nfrags = 16; for (int k = 0; k < 16; k++) { s.fo[k] = 0; s.fl[k] = 4096; }
    finish(&s); return s;
}
static skb_t gso65535(void) {
    skb_t s = gso64k();
    s.nfrags = 16; s.fl[15] = 4029; /* 66 + 15 * 4096 + 4029 = 65535 */
    finish(&s); return s;
}
static skb_t smallfrags(void) {
    skb_t s = {0}; s.head_len = 54; s.nfrags = 17;
    for (int k = 0; k < 17; k++) { s.fo[k] = 200 * k; s.fl[k] = 100; }
    finish(&s); return s;
}

typedef void (*plan_fn)(const skb_t *, plan_t *);
typedef int (*est_fn)(const skb_t *);
static const char *names[] = {"coalesce", "per-frag", "coalesce-compound", "full-page", "freebsd"};
static plan_fn plans[] = {plan_coalesce, plan_per_frag, plan_compound, plan_full_page, plan_freebsd};
static est_fn ests[] = {est_coalesce, est_per_frag, est_compound, est_full_page, est_freebsd};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static plan_t P;

/* ns per packet: rounds of iters plans (with the estimate when est), min and median of the rounds */
static void bench(plan_fn f, est_fn e, const skb_t *skb, int est, double *min, double *med, double *p10) {
    enum { ROUNDS = 400, ITERS = 20000 };
    double r[ROUNDS];
    long sink = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double t0 = now();
        for (int i = 0; i < ITERS; i++) {
            __asm__ volatile("" : : "g"(skb), "g"(&P) : "memory");
            f(skb, &P);
            if (est) P.estimate = e(skb);
            sink += P.nops + P.estimate;
        }
        r[round] = (now() - t0) / ITERS;
    }
    qsort(r, ROUNDS, sizeof r[0], cmp);
    *min = r[0];
    *p10 = r[ROUNDS / 10];
    *med = r[ROUNDS / 2];
    if (sink == 42) printf("!");
}

static void dump(const char *name, const skb_t *s, int pol) {
    memset(&P, 0, sizeof P);
    plans[pol](s, &P);
    P.estimate = ests[pol](s);
    printf("%s %s est=%d ops=%d slots=%d\n", names[pol], name, P.estimate, P.nops, P.nslots);
    for (int i = 0; i < P.nops; i++)
        printf(" op %d %d %d %d %d\n", P.ops[i * OP], P.ops[i * OP + 1], P.ops[i * OP + 2], P.ops[i * OP + 3], P.ops[i * OP + 4]);
    for (int i = 0; i < P.nslots; i++) {
        int *q = P.slots + i * SLOT;
        if (q[0] == KIND_EXTRA)
            printf(" slot %d extra type=%d flags=%d gso=%d/%d\n", i, P.xtype[i], q[3], P.xgso_size[i], P.xgso_type[i]);
        else
            printf(" slot %d data status=%d offset=%d flags=%d\n", i, q[1], q[2], q[3]);
    }
}

int main(int argc, char **argv) {
    skb_t pk[4] = {mtu(), gso64k(), smallfrags(), gso65535()};
    const char *pn[4] = {"mtu", "gso64k", "smallfrags", "gso65535"};
    if (argc > 1 && strcmp(argv[1], "dump") == 0) {
        for (int pol = 0; pol < 5; pol++)
            for (int k = 0; k < 4; k++) dump(pn[k], &pk[k], pol);
        return 0;
    }
    printf("%-18s %-11s %8s %8s %8s %8s %8s %8s\n", "policy", "packet", "min", "p10", "med", "+est min", "p10", "med");
    for (int pol = 0; pol < 5; pol++)
        for (int k = 0; k < 4; k++) {
            double a, b, c, d, e, g;
            bench(plans[pol], ests[pol], &pk[k], 0, &a, &b, &e);
            bench(plans[pol], ests[pol], &pk[k], 1, &c, &d, &g);
            printf("%-18s %-11s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f\n", names[pol], pn[k], a, e, b, c, g, d);
            fflush(stdout);
        }
    return 0;
}
