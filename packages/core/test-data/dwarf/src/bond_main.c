/* The second unit: another static `helper`, a loop, a switch, and an entry point for linking. */
#include "bond_alb.h"

static int __attribute__((noinline)) helper(int x)
{
	int s = 0;
	int i;
	for (i = 0; i < x; i++)
		s += i * i;
	return s;
}

int helper_b(int x)
{
	switch (x & 3) {
	case 0:
		return helper(x);
	case 1:
		return helper(x + 1) * 2;
	default:
		return (int)hash_ip((__be32)x);
	}
}

static struct bonding the_bond;
static u8 mac[6] = { 1, 2, 3, 4, 5, 6 };

int bond_start(void)
{
	int r = rlb_arp_recv(&the_bond, 1, 2, mac);
	r += bond_alb_xmit(&the_bond, 3);
	return r + helper_b(r);
}
