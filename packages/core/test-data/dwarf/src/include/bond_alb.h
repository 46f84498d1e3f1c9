/* Kernel-like types for DWARF reader tests (shapes follow drivers/net/bonding/bond_alb.h). */
#ifndef BOND_ALB_H
#define BOND_ALB_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef u32 __be32;

struct slave {
	struct slave *next;
	struct slave *prev;
	int delay;
	u32 link_failure_count;
	u8 perm_hwaddr[6];
	u16 queue_id;
};

struct rlb_client_info {
	__be32 ip_src;
	__be32 ip_dst;
	u8 mac_dst[6];
	u32 next;
	u32 prev;
	u8 assigned;
	u8 ntt;
	struct slave *slave;
	u8 tag;
	unsigned short vlan_id;
};

struct tlb_slave_info {
	u32 head;
	u32 load;
};

struct alb_bond_info {
	int tx_rebalance_counter;
	int lp_counter;
	struct tlb_slave_info tx_hashtbl_info[4];
	struct rlb_client_info *rx_hashtbl;
	u32 rx_hashtbl_head;
	u8 rx_ntt;
	struct slave *next_rx_slave;
	union {
		u32 word;
		u8 bytes[4];
		struct {
			unsigned int low : 3;
			unsigned int mid : 9;
			unsigned int high : 20;
		} bits;
	} flags;
	const volatile u64 stamp;
};

struct bonding {
	void *dev;
	struct slave *first_slave;
	int slave_cnt;
	unsigned int mode : 4;
	unsigned int primary_reselect : 2;
	unsigned int send_peer_notif : 10;
	char name[16];
	struct alb_bond_info alb_info;
	struct rlb_client_info spare[2][3];
};

static inline u32 hash_ip(__be32 ip)
{
	u8 *p = (u8 *)&ip;
	u32 h = 0;
	int i;
	for (i = 0; i < 4; i++)
		h ^= p[i];
	return h;
}

int bond_alb_xmit(struct bonding *bond, __be32 ip);
int rlb_arp_recv(struct bonding *bond, __be32 ip_src, __be32 ip_dst, const u8 *mac);
int helper_a(int x);
int helper_b(int x);

#endif
