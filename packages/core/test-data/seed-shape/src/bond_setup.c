/*
 * The setup side of the seed's shape, in our own C (examples/seed/CASE.md, steps 5 and 6): where
 * `bond->alb_info.rx_hashtbl` is allocated and how `rlb_arp_recv()` is registered. The table is set
 * only in rlb_initialize(), called by bond_alb_initialize() only when rlb is enabled, which
 * bond_open() asks for only in ALB mode; the ARP handler is registered with its packet_type's dev
 * left NULL, so every device's ARP packets reach it, a balance-rr bond's included. Source only: it
 * is what `--src` reads for the root cause, and is not compiled into ../bonding.ko (the oops needs
 * only bond_shape.c's rlb_arp_recv). Checked with `mips64-linux-gnuabi64-gcc -fsyntax-only`.
 */
#include "bond_shape.h"

#define BOND_MODE_ROUNDROBIN 0
#define BOND_MODE_TLB 5
#define BOND_MODE_ALB 6
#define ETH_P_ARP_BE 0x0608 /* htons(ETH_P_ARP) on a little-endian host; the value does not matter here */
#define RLB_HASH_TABLE_SIZE 256
#define NULL ((void *)0)

struct packet_type {
	u16 type;
	void *dev; /* NULL: every device */
	int (*func)(void *skb, struct bonding *bond);
};

struct bond_ops {
	int (*open)(struct bonding *bond);
};

extern void *kmalloc_array(unsigned long n, unsigned long size);
extern void dev_add_pack(struct packet_type *pt);
extern int rlb_arp_recv(void *skb, struct bonding *bond);

static struct packet_type rlb_pkt_type;

static int rlb_initialize(struct bonding *bond)
{
	struct alb_bond_info *bond_info = &bond->alb_info;
	struct packet_type *pk_type = &rlb_pkt_type;
	struct rlb_client_info *new_hashtbl;

	new_hashtbl = kmalloc_array(RLB_HASH_TABLE_SIZE, sizeof(struct rlb_client_info));
	if (!new_hashtbl)
		return -1;
	bond_info->rx_hashtbl = new_hashtbl;
	bond_info->rx_hashtbl_head = 0xffffffff;

	/* receive every ARP packet: dev left NULL */
	pk_type->type = ETH_P_ARP_BE;
	pk_type->dev = NULL;
	pk_type->func = rlb_arp_recv;
	dev_add_pack(pk_type);
	return 0;
}

int bond_alb_initialize(struct bonding *bond, int rlb_enabled)
{
	bond->alb_info.tx_rebalance_counter = 0;
	if (rlb_enabled) {
		bond->alb_info.rlb_enabled = 1;
		return rlb_initialize(bond);
	}
	bond->alb_info.rlb_enabled = 0;
	return 0;
}

static int bond_open(struct bonding *bond)
{
	if (bond->mode == BOND_MODE_TLB || bond->mode == BOND_MODE_ALB) {
		if (bond_alb_initialize(bond, bond->mode == BOND_MODE_ALB))
			return -1;
	}
	bond->flags |= 1;
	return 0;
}

const struct bond_ops bond_netdev_ops = {
	.open = bond_open,
};
