// SPDX-License-Identifier: Apache-2.0
/*
 * oopslab: oopscope's crash-test module. Each write of a bug name to /proc/oopslab commits one
 * kernel bug of a known shape, so the lab can boot a kernel, crash it once, and keep the console
 * text next to a ground truth written from this file. Written for the lab; no kernel code copied.
 *
 *   echo null_table > /proc/oopslab   NULL table pointer indexed inside an inlined lookup
 *   echo wildcard   > /proc/oopslab   packet handler for every device (dev = NULL) reading
 *                                     per-device state that only "lab0" ever gets; then ping
 *   echo wildcard_table > /proc/oopslab  the seed whole: every device gets state, only "lab0" in
 *                                     alb mode with a table; an alb handler for every device; ping
 *   echo uaf        > /proc/oopslab   use after free (boot with slub_debug=P: 0x6b poison)
 *   echo list_poison > /proc/oopslab  list_del() twice (LIST_POISON1/2)
 *   echo bug_on     > /proc/oopslab   BUG_ON()
 *   echo warn_on    > /proc/oopslab   WARN_ON() (boot with panic_on_warn=1 to stop there)
 *   echo div_zero   > /proc/oopslab   integer divide by zero
 *   echo oob        > /proc/oopslab   index past the end of a pointer array
 *   echo lockup     > /proc/oopslab   spin with preemption off (soft lockup)
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/uaccess.h>
#include <linux/string.h>

/* keep each bug in its own, unspecialised function (no .isra/.constprop clones) */
#define lab_noipa __attribute__((__noipa__))

struct lab_bond;
static struct lab_bond lab_bond0;
/*
 * The oops's Code: line starts 43 bytes before the faulting instruction. GCC emits callees first,
 * so a bug function would sit at the very start of .text, the page before it unmapped, and the
 * kernel would print "Unable to access opcode bytes". 64 bytes of int3 at the start avoid that.
 */
asm(".pushsection .text\nlab_text_pad:\n.fill 64, 1, 0xcc\n"
    ".size lab_text_pad, 64\n.type lab_text_pad, @object\n.popsection\n");

/* the bugs, defined below */
static int lab_null_table(struct lab_bond *bond);
static int lab_wildcard(void);
static int lab_uaf(void);
static int lab_list_poison(void);
static int lab_bug_on(void);
static int lab_warn_on(void);
static u32 lab_div_zero(u32 hash);
static int lab_oob(void);
static int lab_lockup(void);
static int lab_wildcard_table(void);
static u32 lab_hash(u32 ip);
static u32 lab_ip;

/* ---- /proc/oopslab ---- */

static ssize_t lab_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	char cmd[32];
	size_t n = min(len, sizeof(cmd) - 1);

	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = 0;
	strim(cmd);
	pr_info("oopslab: %s\n", cmd);

	if (!strcmp(cmd, "null_table"))
		lab_null_table(&lab_bond0);
	else if (!strcmp(cmd, "wildcard"))
		lab_wildcard();
	else if (!strcmp(cmd, "wildcard_table"))
		lab_wildcard_table();
	else if (!strcmp(cmd, "uaf"))
		lab_uaf();
	else if (!strcmp(cmd, "list_poison"))
		lab_list_poison();
	else if (!strcmp(cmd, "bug_on"))
		lab_bug_on();
	else if (!strcmp(cmd, "warn_on"))
		lab_warn_on();
	else if (!strcmp(cmd, "div_zero"))
		pr_info("oopslab: %u\n", lab_div_zero(lab_hash(READ_ONCE(lab_ip))));
	else if (!strcmp(cmd, "oob"))
		lab_oob();
	else if (!strcmp(cmd, "lockup"))
		lab_lockup();
	else
		return -EINVAL;
	return len;
}

/* ---- (a) the seed's shape: a table pointer inside a bigger struct, 0x18-byte entries ---- */

struct lab_client {		/* 0x18 bytes */
	u8 mac_src[6];		/* 0x00 */
	u8 mac_dst[6];		/* 0x06 */
	u16 vlan;		/* 0x0c */
	u8 assigned;		/* 0x0e */
	u8 ntt;			/* 0x0f */
	u32 ip_src;		/* 0x10 */
	u32 ip_dst;		/* 0x14 */
};

struct lab_alb {
	u32 mode;
	u32 flags;
	u64 rx_packets;
	struct lab_client *table;	/* never allocated: NULL */
	u32 table_used;
};

struct lab_bond {
	char name[16];
	u64 stats[6];
	struct lab_alb alb;
};

static struct lab_bond lab_bond0 = { .name = "labbond0" };
/* a parameter, so the compiler must load it and the index is computed at run time */
static u32 lab_ip = 0x0a000007;	/* 10.0.0.7: lab_hash() = 7 */
module_param(lab_ip, uint, 0644);

static u32 lab_hash(u32 ip)
{
	return (ip ^ (ip >> 8) ^ (ip >> 16)) & 0x0f;
}

static __always_inline struct lab_client *lab_lookup(struct lab_alb *alb, u32 ip)
{
	return &alb->table[lab_hash(ip)];
}

static __always_inline bool lab_update_entry(struct lab_alb *alb, u32 ip)
{
	struct lab_client *entry = lab_lookup(alb, ip);

	if (entry->assigned && entry->ip_src == ip)
		return true;
	return false;
}

static lab_noipa int lab_null_table(struct lab_bond *bond)
{
	if (lab_update_entry(&bond->alb, READ_ONCE(lab_ip)))
		bond->alb.rx_packets++;
	return 0;
}

/* ---- (b) a receive handler registered for every device ---- */

struct lab_port {
	struct net_device *dev;
	u64 rx_bytes;
	u64 rx_frames;
	u32 slots;
	struct lab_client *clients;
};

#define LAB_MAX_IFINDEX 64
static struct lab_port *lab_ports[LAB_MAX_IFINDEX];	/* set up only for "lab0" */
static char *port_dev = "lab0";
module_param(port_dev, charp, 0444);

static __always_inline struct lab_port *lab_port_of(const struct net_device *dev)
{
	return lab_ports[dev->ifindex % LAB_MAX_IFINDEX];
}

static int lab_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt,
		   struct net_device *orig_dev)
{
	struct lab_port *port = lab_port_of(dev);

	port->rx_frames++;
	port->rx_bytes += skb->len;
	kfree_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type lab_pt = {
	.type = cpu_to_be16(ETH_P_IP),
	.func = lab_rcv,
	.dev = NULL,	/* wildcard: every device's IPv4 frames */
};
static bool lab_pt_added;

static int lab_wildcard(void)
{
	struct net_device *dev = dev_get_by_name(&init_net, port_dev);

	if (dev) {
		struct lab_port *port = kzalloc(sizeof(*port), GFP_KERNEL);

		if (port) {
			port->dev = dev;
			lab_ports[dev->ifindex % LAB_MAX_IFINDEX] = port;
		}
		dev_put(dev);
	}
	dev_add_pack(&lab_pt);
	lab_pt_added = true;
	return 0;
}

/* ---- (c) use after free ---- */

struct lab_session {
	u64 id;
	struct lab_session_ops *ops;
	u32 refs;
};

struct lab_session_ops {
	u64 calls;
	int (*close)(struct lab_session *s);
};

static lab_noipa int lab_uaf(void)
{
	struct lab_session_ops *ops = kzalloc(sizeof(*ops), GFP_KERNEL);
	struct lab_session *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!ops || !s) {
		kfree(ops);
		kfree(s);
		return -ENOMEM;
	}
	s->id = 1;
	s->ops = ops;
	kfree(s);
	/* s was freed: with slub_debug=P its bytes are 0x6b, so s->ops is 0x6b6b6b6b6b6b6b6b */
	WRITE_ONCE(s->ops->calls, s->ops->calls + 1);
	kfree(ops);
	return 0;
}

/* ---- (d) list poison ---- */

struct lab_item {
	u32 key;
	struct list_head node;
};

static LIST_HEAD(lab_items);

static lab_noipa int lab_list_poison(void)
{
	struct lab_item *it = kzalloc(sizeof(*it), GFP_KERNEL);

	if (!it)
		return -ENOMEM;
	it->key = 42;
	list_add(&it->node, &lab_items);
	list_del(&it->node);
	list_del(&it->node);	/* second delete: next/prev are LIST_POISON1/2 */
	kfree(it);
	return 0;
}

/* ---- (e) BUG_ON, (f) WARN_ON ---- */

static u32 lab_refs = 1;
module_param(lab_refs, uint, 0644);

static lab_noipa int lab_bug_on(void)
{
	u32 refs = READ_ONCE(lab_refs);

	BUG_ON(refs != 0);
	return 0;
}

static lab_noipa int lab_warn_on(void)
{
	u32 refs = READ_ONCE(lab_refs);

	WARN_ON(refs != 0);
	return 0;
}

/* ---- (g) divide by zero ---- */

static u32 lab_buckets;	/* zero: never configured */
module_param(lab_buckets, uint, 0644);

static lab_noipa u32 lab_div_zero(u32 hash)
{
	return hash % READ_ONCE(lab_buckets);
}

/* ---- (h) out-of-bounds index ---- */

struct lab_ring {
	struct lab_client *slot[4];
	unsigned long magic;	/* read as slot[4] */
};

static struct lab_ring lab_ring0 = { .magic = 0x4c41425f52494e47UL };	/* "LAB_RING" */
static u32 lab_slot = 4;
module_param(lab_slot, uint, 0644);

static lab_noipa int lab_oob(void)
{
	struct lab_client *c = lab_ring0.slot[READ_ONCE(lab_slot)];

	return c->assigned;
}

/* ---- (i) soft lockup ---- */

static lab_noipa int lab_lockup(void)
{
	preempt_disable();
	for (;;)
		cpu_relax();
	preempt_enable();
	return 0;
}

/* ---- (b2) the seed's root cause, whole: a wildcard handler meets a device in the wrong mode ---- */

/*
 * Every device gets a struct lab_bond, but only port_dev's is in "alb" mode with a client table;
 * the others ("rr") keep alb.table == NULL. The handler is registered for every device
 * (.dev = NULL) and assumes alb mode: the seed's bug, with our own code.
 */
static struct lab_bond *lab_bonds[LAB_MAX_IFINDEX];

static int lab_alb_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt,
		       struct net_device *orig_dev)
{
	struct lab_bond *bond = lab_bonds[dev->ifindex % LAB_MAX_IFINDEX];

	if (bond && lab_update_entry(&bond->alb, ntohl(ip_hdr(skb)->saddr)))
		bond->alb.rx_packets++;
	kfree_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type lab_alb_pt = {
	.type = cpu_to_be16(ETH_P_IP),
	.func = lab_alb_rcv,
	.dev = NULL,	/* the bug: should be the alb device only */
};
static bool lab_alb_pt_added;

static int lab_wildcard_table(void)
{
	struct net_device *dev;

	rtnl_lock();
	for_each_netdev(&init_net, dev) {
		struct lab_bond *bond = kzalloc(sizeof(*bond), GFP_KERNEL);

		if (!bond)
			continue;
		strscpy(bond->name, dev->name, sizeof(bond->name));
		if (!strcmp(dev->name, port_dev)) {
			bond->alb.mode = 1;
			bond->alb.table = kcalloc(16, sizeof(struct lab_client), GFP_KERNEL);
		}
		lab_bonds[dev->ifindex % LAB_MAX_IFINDEX] = bond;
	}
	rtnl_unlock();
	dev_add_pack(&lab_alb_pt);
	lab_alb_pt_added = true;
	return 0;
}

static const struct proc_ops lab_proc_ops = {
	.proc_write = lab_write,
};

static int __init oopslab_init(void)
{
	if (!proc_create("oopslab", 0200, NULL, &lab_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit oopslab_exit(void)
{
	int i;

	if (lab_pt_added)
		dev_remove_pack(&lab_pt);
	if (lab_alb_pt_added)
		dev_remove_pack(&lab_alb_pt);
	for (i = 0; i < LAB_MAX_IFINDEX; i++) {
		kfree(lab_ports[i]);
		if (lab_bonds[i])
			kfree(lab_bonds[i]->alb.table);
		kfree(lab_bonds[i]);
	}
	remove_proc_entry("oopslab", NULL);
}

module_init(oopslab_init);
module_exit(oopslab_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("oopscope crash lab: one known bug per write");
