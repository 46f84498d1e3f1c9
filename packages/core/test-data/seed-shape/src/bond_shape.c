/*
 * The seed oops's code shape in our own C: an ARP receive handler that, for a reply, takes the bond's
 * lock, hashes the sender's IP and looks its entry up in `bond->alb_info.rx_hashtbl` inside an
 * inlined helper, reading `client_info->assigned` first. When the table was never allocated (the
 * seed's balance-rr bond) the read faults at rx_hashtbl + hash × 48 + 0x18. Compiled for Octeon II by
 * ../build.sh; the oops in ../oops.log is generated from this object by ../make-oops.mjs.
 */
#include "bond_shape.h"

static inline u8 simple_hash(const u8 *p, int n)
{
	u8 h = 0;
	int i;

	for (i = 0; i < n; i++)
		h += p[i];
	return h;
}

static inline void rlb_update_entry_from_arp(struct bonding *bond, struct arp_pkt *arp)
{
	struct alb_bond_info *bond_info = &bond->alb_info;
	struct rlb_client_info *client_info;
	u32 hash_index;

	bond_lock(&bond->lock);

	hash_index = simple_hash((const u8 *)&arp->ip_src, sizeof(arp->ip_src));
	client_info = &(bond_info->rx_hashtbl[hash_index]);

	if ((client_info->assigned) &&
	    (client_info->ip_src == arp->ip_dst) &&
	    (client_info->ip_dst == arp->ip_src)) {
		int i;

		for (i = 0; i < 6; i++)
			client_info->mac_dst[i] = arp->mac_src[i];
		client_info->ntt = 1;
		bond_info->rx_ntt = 1;
	}

	bond_unlock(&bond->lock);
}

int rlb_arp_recv(void *skb, struct bonding *bond)
{
	struct arp_pkt *arp;

	if (!(bond->flags & 1))
		return 0;
	arp = packet_arp(skb);
	if (!arp)
		return 0;
	if (arp->op == 2)
		rlb_update_entry_from_arp(bond, arp);
	return 1;
}
