/*
 * Types with the seed oops's layout (examples/seed/CASE.md): `struct bonding` holds `alb_info`, whose
 * `rx_hashtbl` pointer lands at byte 0x268 of struct bonding; `struct rlb_client_info` is 48 bytes
 * with `assigned` at 0x18. Written for oopscope's tests; the member names are the ones the seed's
 * write-up uses, the filler members are ours. Checked with gdb `ptype /o` by ../build.sh.
 */
#ifndef BOND_SHAPE_H
#define BOND_SHAPE_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef u32 be32;

struct port;

struct rlb_client_info {
	be32 ip_src;        /* 0x00 */
	be32 ip_dst;        /* 0x04 */
	u8 mac_dst[6];      /* 0x08 */
	u32 next;           /* 0x10 */
	u32 prev;           /* 0x14 */
	u8 assigned;        /* 0x18 */
	u8 ntt;             /* 0x19 */
	struct port *slave; /* 0x20 */
	u8 tag;             /* 0x28 */
	u16 vlan_id;        /* 0x2a */
};                          /* 0x30 bytes */

struct alb_bond_info {
	void *tx_hashtbl;                   /* +0x00 */
	u32 unbalanced_load;                /* +0x08 */
	int tx_rebalance_counter;           /* +0x0c */
	int lp_counter;                     /* +0x10 */
	u32 rlb_enabled;                    /* +0x14 */
	struct rlb_client_info *rx_hashtbl; /* +0x18 */
	u32 rx_hashtbl_head;                /* +0x20 */
	u8 rx_ntt;                          /* +0x24 */
	struct port *next_rx_slave;         /* +0x28 */
};

struct bonding {
	void *dev;                      /* 0x000 */
	struct port *first_slave;       /* 0x008 */
	int slave_cnt;                  /* 0x010 */
	int mode;                       /* 0x014 */
	u64 counters[70];               /* 0x018 .. 0x248 */
	u32 lock;                       /* 0x248 */
	u32 flags;                      /* 0x24c */
	struct alb_bond_info alb_info;  /* 0x250: rx_hashtbl at 0x268 */
};

struct arp_pkt {
	u16 hw_type;
	u16 prot_type;
	u8 hw_len;
	u8 prot_len;
	u16 op;
	u8 mac_src[6];
	be32 ip_src;
	u8 mac_dst[6];
	be32 ip_dst;
} __attribute__((packed));

/* Out-of-line helpers the module calls (kept external so the lookup's registers live across calls). */
extern void bond_lock(u32 *lock);
extern void bond_unlock(u32 *lock);
extern struct arp_pkt *packet_arp(void *skb);

#endif
