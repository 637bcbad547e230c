// The bounds that keep what a neighbour sends cheap and short-lived (RFC 6762 §6.7, §10, §17):
// one place for every cap the mDNS resolver and browser apply before and while caching.

/** RFC 6762 §6.7: a legacy-unicast answer (to a query from a port other than 5353) carries TTLs of at most 10 s. */
export const LEGACY_UNICAST_MAX_TTL = 10;

/**
 * Ceiling for every other stored TTL, in seconds: RFC 6762 §10 recommends 120 s for host records
 * (A, AAAA, SRV) and 75 minutes for the rest; nothing is kept longer than 75 minutes, so a spoofed
 * TTL of 2^31-1 s is gone (and the real responder asked again) within the hour.
 */
export const MAX_TTL = 75 * 60;

/**
 * RFC 6762 §17: an mDNS packet, IP and UDP headers included, never exceeds 9000 bytes. A larger
 * datagram is not mDNS and is dropped before it is parsed.
 */
export const MAX_PACKET = 9000;

/** At most this many records per (interface, name, type) are taken from one packet or kept in a cache. */
export const MAX_PER_SET = 32;
