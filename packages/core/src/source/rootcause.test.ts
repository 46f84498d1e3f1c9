/**
 * The source stage on small C files written for these tests: each case states, from the C text,
 * where the NULL pointer is assigned, under which conditions, who calls that function and under
 * which conditions, and how the faulting handler is registered (and with what scope). Lines are
 * found in the C text by a marker comment, never taken from the stage's output.
 */

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CParser, loadCParser } from "./parser.js";
import { findRootCause, guardsOf, releaseRootCause } from "./rootcause.js";
import type { RootCauseQuery, SourceFile, SourceTree } from "./types.js";

const modules = join(import.meta.dirname, "../../../../node_modules");
let parser: CParser;
beforeAll(async () => {
  parser = await loadCParser({
    runtime: readFileSync(join(modules, "web-tree-sitter/web-tree-sitter.wasm")),
    grammar: readFileSync(join(modules, "tree-sitter-c/tree-sitter-c.wasm")),
  });
});

/** The 1-based line of the marker comment `/* @name *\/` in a file. */
function line(text: string, marker: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(`/* @${marker} */`));
  if (i < 0) throw new Error(`no marker ${marker}`);
  return i + 1;
}

/** A tree over files in memory that records what it was asked for. */
function tree(files: SourceFile[]): SourceTree & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    files: async (ids) => {
      asked.push([...ids]);
      return files.filter((f) => ids.some((id) => new RegExp(`\\b${id}\\b`).test(f.text)));
    },
  };
}

// The seed's shape (our own C): the table is allocated in rlb_init(), called from alb_init() only
// when rlb is enabled, called from dev_open() only for ALB mode; the ARP handler is registered with
// its packet_type's dev set to NULL.
const ALB = `struct client { int assigned; };
struct alb_info { int rlb_enabled; struct client *rx_hashtbl; };
struct bonding { int mode; struct alb_info alb_info; };
struct other { struct other_entry *rx_hashtbl; };
struct packet_type { unsigned short type; struct net_device *dev; int (*func)(void *, struct bonding *); };

static struct packet_type arp_pt;

static int arp_recv(void *skb, struct bonding *bond)
{
	struct client *c = &bond->alb_info.rx_hashtbl[3];

	return c->assigned;
}

static int rlb_init(struct bonding *bond)
{
	struct alb_info *info = &bond->alb_info;
	struct client *tbl = kmalloc(16 * sizeof(*tbl));
	struct packet_type *pt = &arp_pt;

	if (!tbl)
		return -1;
	info->rx_hashtbl = tbl; /* @assign */
	pt->type = htons(ETH_P_ARP);
	pt->dev = NULL; /* @dev */
	pt->func = arp_recv; /* @func */
	dev_add_pack(pt); /* @register */
	return 0;
}

static void other_reset(struct other *o)
{
	o->rx_hashtbl = 0;
}

int alb_init(struct bonding *bond, int rlb_enabled)
{
	if (rlb_enabled) {
		bond->alb_info.rlb_enabled = 1;
		return rlb_init(bond); /* @call1 */
	}
	return 0;
}

static int dev_open(struct bonding *bond)
{
	switch (bond->mode) {
	case MODE_ALB:
		return alb_init(bond, 1); /* @call2 */
	default:
		break;
	}
	return 0;
}

static const struct dev_ops ops = {
	.open = dev_open, /* @ops */
};
`;

const albQuery: RootCauseQuery = {
  verdictKind: "null-array",
  pointer: "bond->alb_info.rx_hashtbl",
  pointerType: "struct client *",
  inlineChain: ["arp_recv"],
  trace: ["arp_recv", "netif_receive_skb.part.0", "net_rx_action"],
};

describe("findRootCause: the seed's shape", () => {
  it("finds the one assignment of rx_hashtbl in struct alb_info, its guard, and two levels of callers", async () => {
    const rc = await findRootCause(parser, tree([{ path: "bond_alb.c", text: ALB }]), albQuery);
    expect(rc?.target).toMatchObject({ kind: "member", member: "rx_hashtbl", containers: ["struct alb_info"] });
    // other_reset's o->rx_hashtbl is struct other's member: not the target
    expect(rc?.assignments.map((a) => [a.place.line, a.place.function, a.matchedBy])).toEqual([
      [line(ALB, "assign"), "rlb_init", "type"],
    ]);
    const a = rc!.assignments[0]!;
    expect(a.value).toBe("tbl");
    expect(a.storesNull).toBe(false);
    // `if (!tbl) return -1;` before it: reached only when tbl is not NULL
    expect(a.guards).toEqual([
      { kind: "early-exit", text: "tbl", line: line(ALB, "assign") - 2, binding: "tbl = kmalloc(16 * sizeof(*tbl))" },
    ]);
    expect(a.callers.map((c) => [c.place.function, c.place.line, c.guards.map((g) => g.text), c.arguments])).toEqual([
      ["alb_init", line(ALB, "call1"), ["rlb_enabled"], []],
    ]);
    const up = a.callers[0]!.callers;
    // alb_init's guard tests its parameter rlb_enabled: the call says what it passes
    expect(up.map((c) => [c.place.function, c.place.line, c.guards.map((g) => [g.kind, g.text]), c.arguments])).toEqual(
      [["dev_open", line(ALB, "call2"), [["case", "bond->mode == MODE_ALB"]], ["rlb_enabled = 1"]]],
    );
    // dev_open is never called directly: reached through the ops table
    expect(up[0]!.registrations.map((r) => [r.object, r.field, r.stored.line])).toEqual([
      ["ops", "open", line(ALB, "ops")],
    ]);
  });

  it("finds the handler's registration with dev_add_pack and its NULL dev: a wildcard", async () => {
    const rc = await findRootCause(parser, tree([{ path: "bond_alb.c", text: ALB }]), albQuery);
    expect(rc?.registrations).toHaveLength(1);
    const r = rc!.registrations[0]!;
    expect([r.function, r.object, r.field, r.stored.line, r.stored.function]).toEqual([
      "arp_recv",
      "pt",
      "func",
      line(ALB, "func"),
      "rlb_init",
    ]);
    expect(r.registeredAt?.line).toBe(line(ALB, "register"));
    expect(r.registrar?.call).toBe("dev_add_pack");
    expect(r.struct).toBe("packet_type");
    expect(r.kind).toEqual({ field: "type", value: "htons(ETH_P_ARP)" });
    expect(r.scope).toMatchObject({ field: "dev", value: "NULL", wildcard: true });
    expect(r.scope?.place?.line).toBe(line(ALB, "dev"));
    // the statement names each claim's place
    for (const m of ["func", "register", "dev", "assign", "call1", "call2"])
      expect(rc!.statement).toContain(`bond_alb.c:${line(ALB, m)}`);
    expect(rc!.statement).toContain("`rlb_enabled`");
    expect(rc!.statement).toContain("`bond->mode == MODE_ALB`");
  });

  it("asks the tree only for the identifiers it needs, and only what it has not asked before", async () => {
    const t = tree([{ path: "bond_alb.c", text: ALB }]);
    await findRootCause(parser, t, albQuery);
    // first the functions of the inline chain and the trace, without compiler suffixes, and the pointer's names
    expect(t.asked[0]).toEqual(["arp_recv", "netif_receive_skb", "net_rx_action", "bond", "alb_info", "rx_hashtbl"]);
    const all = t.asked.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain("rx_hashtbl");
    expect(all).toContain("alb_init");
  });

  it("keeps what it parsed for the next call on a tree with a generation, until the generation changes", async () => {
    const t = Object.assign(tree([{ path: "bond_alb.c", text: ALB }]), { generation: 0 });
    const first = await findRootCause(parser, t, albQuery);
    const asked = t.asked.length;
    expect(await findRootCause(parser, t, albQuery)).toEqual(first);
    expect(t.asked.length).toBe(asked);
    t.generation = 1;
    expect(await findRootCause(parser, t, albQuery)).toEqual(first);
    expect(t.asked.length).toBe(2 * asked);
    releaseRootCause(t);
  });
});

describe("findRootCause: registration scope", () => {
  const handler = `struct packet_type { unsigned short type; struct net_device *dev; void *func; };
static int rcv(void *skb) { struct st *s = lookup(skb); return s->x; }
`;
  const q: RootCauseQuery = { verdictKind: "null-pointer", inlineChain: ["rcv"], trace: ["rcv"] };

  it("a designated initialiser without .dev leaves it unset: a wildcard", async () => {
    const text = `${handler}static struct packet_type pt = {
	.type = htons(ETH_P_ALL),
	.func = rcv, /* @func */
};
static int setup(void) { dev_add_pack(&pt); /* @reg */ return 0; }
`;
    const rc = await findRootCause(parser, tree([{ path: "a.c", text }]), q);
    const r = rc?.registrations[0];
    expect([r?.object, r?.field, r?.stored.line, r?.registeredAt?.line]).toEqual([
      "pt",
      "func",
      line(text, "func"),
      line(text, "reg"),
    ]);
    expect(r?.scope).toMatchObject({ field: "dev", value: "unset", wildcard: true });
    expect(r?.scope?.place).toBeUndefined();
  });

  it("a trace function defined static in several files is not tied to any file's registration", async () => {
    // raw_sendmsg is static in net/ipv4/raw.c, net/can/raw.c and net/ieee802154/socket.c
    const ops = (name: string) => `struct proto { void *sendmsg; };
static int send(void *sk) { return 0; }
static struct proto ${name} = { .sendmsg = send };
`;
    const files = [
      {
        path: "a.c",
        text: `${handler}static struct packet_type pt = { .func = rcv };\nstatic int s(void) { dev_add_pack(&pt); return 0; }\n`,
      },
      { path: "ipv4.c", text: `${ops("raw_prot")}EXPORT_SYMBOL(send);\n` },
      { path: "can.c", text: ops("can_prot") },
    ];
    const rc = await findRootCause(parser, tree(files), { ...q, trace: ["rcv", "send"] });
    expect(rc.registrations.map((r) => r.function)).toEqual(["rcv"]);
    expect(rc.notes.join("\n")).toContain("send is defined in 2 files (can.c, ipv4.c)");
    // with one definition, only its own file's stores count, and an export is no registration
    const one = await findRootCause(parser, tree(files.slice(0, 2)), { ...q, trace: ["rcv", "send"] });
    expect(one.registrations.map((r) => `${r.function} ${r.object}`)).toEqual(["rcv pt", "send raw_prot"]);
  });

  it("reads kernel annotations: a registration in a static int __init function is in that function", async () => {
    const text = `${handler}static struct packet_type pt __read_mostly = {
	.func = rcv,
	.dev = NULL,
};
static int __init setup(void)
{
	dev_add_pack(&pt); /* @reg */
	return 0;
}
static void __exit teardown(void) { dev_remove_pack(&pt); }
`;
    const rc = await findRootCause(parser, tree([{ path: "d.c", text }]), q);
    const r = rc?.registrations[0];
    expect([r?.registeredAt?.line, r?.registeredAt?.function, r?.registeredAt?.text]).toEqual([
      line(text, "reg"),
      "setup",
      "dev_add_pack(&pt)",
    ]);
    expect(r?.scope).toMatchObject({ value: "NULL", wildcard: true });
  });

  it("a handler passed with its device to netdev_rx_handler_register is scoped to that device", async () => {
    const text = `${handler}static int enslave(struct net_device *slave, void *bond)
{
	return netdev_rx_handler_register(slave, rcv, bond); /* @reg */
}
`;
    const rc = await findRootCause(parser, tree([{ path: "e.c", text }]), q);
    const r = rc.registrations[0];
    expect([r?.object, r?.field, r?.registrar?.call, r?.registeredAt?.line]).toEqual([
      "netdev_rx_handler_register",
      "argument 2",
      "netdev_rx_handler_register",
      line(text, "reg"),
    ]);
    expect(r?.scope).toMatchObject({ field: "argument 1", value: "slave", wildcard: false });
    expect(r?.scope?.meaning).toBe("only packets received on that device reach the handler");
  });

  it("a .dev set to a device is not a wildcard", async () => {
    const text = `${handler}static int setup(struct net_device *bond_dev, struct packet_type *pt)
{
	pt->func = rcv;
	pt->dev = bond_dev; /* @dev */
	dev_add_pack(pt);
	return 0;
}
`;
    const rc = await findRootCause(parser, tree([{ path: "b.c", text }]), q);
    const r = rc?.registrations[0];
    expect(r?.scope).toMatchObject({ field: "dev", value: "bond_dev", wildcard: false });
    expect(r?.scope?.place?.line).toBe(line(text, "dev"));
    expect(r?.scope?.meaning).toContain("only that device's packets");
  });

  it("a function passed straight to a call is registered there, under that call's guards", async () => {
    const text = `${handler}static int setup(int irq, int shared)
{
	if (shared)
		return request_irq(irq, rcv, 0, "x", 0); /* @call */
	return 0;
}
`;
    const rc = await findRootCause(parser, tree([{ path: "c.c", text }]), q);
    const r = rc?.registrations[0];
    expect([r?.object, r?.field, r?.registeredAt?.line]).toEqual(["request_irq", "argument 2", line(text, "call")]);
    expect(r?.guards.map((g) => g.text)).toEqual(["shared"]);
    expect(r?.registrar).toBeUndefined();
    expect(rc.statement).toBe(`\`rcv\` is passed to \`request_irq(irq, rcv, 0, "x", 0)\` (c.c:${line(text, "call")}).`);
  });
});

describe("findRootCause: globals and locals", () => {
  // lab_rcv's shape: the NULL pointer is a local, loaded by an inline helper from a global array that
  // only one device's slot is ever stored into
  const text = `struct port { long frames; };
static struct port *ports[64]; /* @decl */

static inline struct port *port_of(const struct net_device *dev)
{
	return ports[dev->ifindex % 64]; /* @ret */
}

static int rcv(struct sk_buff *skb, struct net_device *dev)
{
	struct port *port = port_of(dev); /* @local */

	port->frames++;
	return 0;
}

static int setup(const char *name)
{
	struct net_device *dev = dev_get_by_name(name);

	if (dev) {
		struct port *p = kzalloc(sizeof(*p));

		if (p)
			ports[dev->ifindex % 64] = p; /* @store */
	}
	return 0;
}

static int teardown(void)
{
	int i;

	for (i = 0; i < 64; i++) {
		kfree(ports[i]);
		ports[i] = NULL; /* @clear */
	}
	return 0;
}
`;
  it("follows the local through the helper's return to the global, and lists every write of it", async () => {
    const rc = await findRootCause(parser, tree([{ path: "port.c", text }]), {
      verdictKind: "null-pointer",
      pointer: "port",
      pointerType: "struct port *",
      inlineChain: ["rcv"],
      trace: ["rcv"],
    });
    expect(rc?.target).toMatchObject({ kind: "global", global: "ports", expression: "ports[dev->ifindex % 64]" });
    expect(rc?.target?.derivation.map((p) => [p.line, p.function])).toEqual([
      [line(text, "local"), "rcv"],
      [line(text, "ret"), "port_of"],
    ]);
    expect(rc?.assignments.map((a) => [a.place.line, a.via, a.storesNull])).toEqual([
      [line(text, "decl"), "declaration", true],
      [line(text, "store"), "assignment", false],
      [line(text, "clear"), "assignment", true],
    ]);
    const store = rc!.assignments[1]!;
    expect(store.guards.map((g) => [g.kind, g.text, g.binding])).toEqual([
      ["if", "p", "p = kzalloc(sizeof(*p))"],
      ["if", "dev", "dev = dev_get_by_name(name)"],
    ]);
    const clear = rc!.assignments[2]!;
    expect(clear.guards.map((g) => [g.kind, g.text])).toEqual([["loop", "for (i = 0; i < 64; i++)"]]);
    expect(rc!.statement).toContain(`port.c:${line(text, "store")}`);
  });

  it("gives no target when the verdict is not a NULL pointer", async () => {
    const rc = await findRootCause(parser, tree([{ path: "port.c", text }]), {
      verdictKind: "slab-poison",
      pointer: "port",
      inlineChain: ["rcv"],
      trace: ["rcv"],
    });
    // no NULL pointer to trace, and rcv is stored nowhere: nothing to tie, and the note says why
    expect(rc.target).toBeUndefined();
    expect(rc.assignments).toEqual([]);
    expect(rc.registrations).toEqual([]);
    expect(rc.statement).toBe("");
    expect(rc.notes).toEqual([
      "nothing to tie: the verdict (slab-poison) names no NULL pointer to trace; rcv is stored nowhere as a callback",
    ]);
  });
});

describe("findRootCause: where the member's object comes from", () => {
  it("follows a parameter to each call passing it, and a global object to its definition", async () => {
    const text = `struct alb { struct client *table; };
struct bond { char name[16]; struct alb alb; };
static struct bond bond0; /* @tentative */
static int lookup(struct bond *bond) { return bond->alb.table[1].assigned; }
static int run(void) { return lookup(&bond0); /* @call */ }
static struct bond bond0 = { .name = "b0" }; /* @def */
`;
    const rc = await findRootCause(parser, tree([{ path: "o.c", text }]), {
      verdictKind: "null-array",
      pointer: "bond->alb.table",
      pointerType: "struct client *",
      inlineChain: ["lookup"],
      trace: ["lookup", "run"],
    });
    expect(rc.target?.origins).toEqual([
      {
        variable: "bond",
        value: "&bond0",
        place: { file: "o.c", line: line(text, "call"), function: "run", text: "return lookup(&bond0);" },
        // the definition with the initialiser, not the tentative one before it
        object: {
          name: "bond0",
          definition: { file: "o.c", line: line(text, "def"), text: 'static struct bond bond0 = { .name = "b0" };' },
          initialised: true,
          setsMember: false,
        },
      },
    ]);
    expect(rc.assignments).toEqual([]);
    expect(rc.statement).toContain(`o.c:${line(text, "def")} with an initialiser that leaves \`table\` unset`);
  });
});

describe("findRootCause: the container from the path", () => {
  it("resolves the member's struct from the base variable's type, through an anonymous union", async () => {
    const text = `struct net_device;
struct sk { int len; union { struct net_device *dev; unsigned long scratch; }; };
struct port { struct net_device *dev; };
static int rcv(struct sk *skb) { return skb->dev->ifindex; }
static void set_sk(struct sk *s, struct net_device *d) { s->dev = d; /* @sk */ }
static void set_port(struct port *p, struct net_device *d) { p->dev = d; }
`;
    const rc = await findRootCause(parser, tree([{ path: "u.c", text }]), {
      verdictKind: "null-pointer",
      pointer: "skb->dev",
      pointerType: "struct net_device *",
      inlineChain: ["rcv"],
      trace: ["rcv"],
    });
    // both structs declare a `struct net_device *dev`: only the path says it is struct sk's
    expect(rc.target?.containers).toEqual(["struct sk"]);
    expect(rc.assignments.map((a) => [a.place.line, a.place.function, a.matchedBy])).toEqual([
      [line(text, "sk"), "set_sk", "type"],
    ]);
  });
});

describe("guardsOf", () => {
  it("reads else branches, iterator macros and early exits, innermost first", () => {
    const text = `void f(struct net *net)
{
	struct net_device *dev;

	if (!net)
		return;
	for_each_netdev(net, dev) {
		if (dev->flags & 1)
			continue;
		if (dev->mode == 2)
			g(dev);
		else
			h(dev); /* @h */
	}
}
`;
    const t = parser.parse(text);
    try {
      const call = t.rootNode.descendantsOfType("call_expression").find((c) => c?.text.startsWith("h("));
      const fn = t.rootNode.descendantsOfType("function_definition")[0] ?? undefined;
      const h = line(text, "h");
      expect(guardsOf(call!, fn)).toEqual([
        { kind: "else", text: "dev->mode != 2", line: h - 3 },
        { kind: "early-exit", text: "!(dev->flags & 1)", line: h - 5 },
        { kind: "loop", text: "for_each_netdev(net, dev)", line: h - 6 },
        { kind: "early-exit", text: "net", line: h - 8 },
      ]);
    } finally {
      t.delete();
    }
  });
});
