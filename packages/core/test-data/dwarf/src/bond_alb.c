/* The seed case in miniature: rlb_update_entry_from_arp inlined into rlb_arp_recv. */
#include "bond_alb.h"

static struct bonding global_bond;
static int counter;

static inline void rlb_update_entry_from_arp(struct bonding *bond, __be32 ip_src, __be32 ip_dst,
					     const u8 *mac)
{
	struct alb_bond_info *bond_info = &bond->alb_info;
	struct rlb_client_info *client_info;
	u32 hash_index;

	hash_index = hash_ip(ip_src);
	client_info = &(bond_info->rx_hashtbl[hash_index]);

	if ((client_info->assigned) &&
	    (client_info->ip_src == ip_dst) &&
	    (client_info->ip_dst == ip_src)) {
		int i;
		for (i = 0; i < 6; i++)
			client_info->mac_dst[i] = mac[i];
		client_info->ntt = 1;
		bond_info->rx_ntt = 1;
	}
}

int rlb_arp_recv(struct bonding *bond, __be32 ip_src, __be32 ip_dst, const u8 *mac)
{
	if (!bond)
		bond = &global_bond;
	if (bond->mode != 6)
		return -1;
	rlb_update_entry_from_arp(bond, ip_src, ip_dst, mac);
	counter++;
	return 0;
}

/* Same name as the static in bond_main.c: the symbolizer must tell them apart by address. */
static int __attribute__((noinline)) helper(int x)
{
	volatile int y = x * 3;
	return y + counter;
}

int helper_a(int x)
{
	return helper(x) + 1;
}

int bond_alb_xmit(struct bonding *bond, __be32 ip)
{
	u32 h = hash_ip(ip);
	struct rlb_client_info *ci = &bond->alb_info.rx_hashtbl[h % 16];
	return ci->tag + bond->spare[1][2].vlan_id + helper_a((int)h);
}
