#!/usr/bin/env node
/**
 * Turns the fixture's own disassembly (bonding.objdump.txt, bonding.syms.txt, written by build.sh
 * with objdump) into a GENERATED oops text for the seed-shape module: it runs the instructions of
 * rlb_arp_recv from the return of the bond_lock() call to the first load through the NULL
 * `rx_hashtbl`, on a small MIPS64 interpreter, from a state that matches the seed's: `bond` at
 * 0xa8000000012d1600 with rx_hashtbl == NULL, an ARP packet whose sender IP bytes sum to 0x10 (the
 * seed's hash_index). The faulting instruction, its registers, BadVA, epc/ra and the Code: words all
 * come from that run and the object's bytes; registers the run does not touch keep filler values
 * taken from the seed's dump. No kernel printed this text. Usage: node make-oops.mjs > oops.log
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dump = readFileSync(join(here, "bonding.objdump.txt"), "utf8");
const syms = readFileSync(join(here, "bonding.syms.txt"), "utf8");
const FN = "rlb_arp_recv";
// Where the module's rlb_arp_recv is taken to be loaded (the seed's address of it).
const LOAD = 0xffffffffc04458e8n;
const M64 = (1n << 64n) - 1n;
const hex16 = (v) => (v & M64).toString(16).padStart(16, "0");

const size = BigInt(`0x${new RegExp(`^([0-9a-f]+) g\\s+F \\.text\\s+([0-9a-f]+) ${FN}$`, "m").exec(syms)[2]}`);
const start = BigInt(`0x${new RegExp(`^([0-9a-f]+) g\\s+F \\.text\\s+([0-9a-f]+) ${FN}$`, "m").exec(syms)[1]}`);

// Instructions of the function: offset → { word, mnemonic, ops }.
const insns = new Map();
let inFn = false;
for (const line of dump.split("\n")) {
  const h = /^([0-9a-f]+) <([^>]+)>:$/.exec(line);
  if (h) inFn = h[2] === FN;
  const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t(\S+)\s*(.*)$/.exec(line);
  if (inFn && m) {
    insns.set(BigInt(`0x${m[1]}`), { word: m[2], mn: m[3], ops: m[4].split(",").map((s) => s.trim()) });
  }
}

// n64 register names as objdump prints them, by number.
const NAMES = [
  "zero",
  "at",
  "v0",
  "v1",
  "a0",
  "a1",
  "a2",
  "a3",
  "a4",
  "a5",
  "a6",
  "a7",
  "t0",
  "t1",
  "t2",
  "t3",
  "s0",
  "s1",
  "s2",
  "s3",
  "s4",
  "s5",
  "s6",
  "s7",
  "t8",
  "t9",
  "k0",
  "k1",
  "gp",
  "sp",
  "s8",
  "ra",
];
// Filler: the seed's dump, register by register (examples/seed/oops.log; k0/k1 are not printed).
const SEED = [
  0x0n,
  0xffffffff808b1da0n,
  0x300n,
  0x30n,
  0x0n,
  0xa8000000029d2160n,
  0x2en,
  0xa800000002559000n,
  0xa8000000029d2140n,
  0x1n,
  0x0n,
  0x18n,
  0x0n,
  0x1000001fn,
  0xa800000031180000n,
  0x0n,
  0xa8000000029d214en,
  0x300n,
  0xa8000000012d1600n,
  0xa8000000029c8580n,
  0xa8000000012d1870n,
  0xffffffff812408e8n,
  0x806n,
  0x0n,
  0x2b1n,
  0x555d5887b0n,
  0x0n,
  0x0n,
  0xffffffff811c4000n,
  0xffffffff811c7970n,
  0xffffffff811c7970n,
  0xffffffffc04459dcn,
];
const R = Object.fromEntries(NAMES.map((n, i) => [n, SEED[i]]));

// The seed's state: the bond (rx_hashtbl at +0x268 is NULL) and the ARP packet.
const BOND = 0xa8000000012d1600n;
const ARP = 0xa8000000029d2140n;
const mem = new Map(); // byte address → value; 8-byte loads read big-endian
const put = (a, bytes) => {
  for (const [i, b] of bytes.entries()) mem.set(a + BigInt(i), BigInt(b));
};
put(BOND + 0x268n, [0, 0, 0, 0, 0, 0, 0, 0]);
// struct arp_pkt is packed: ip_src at byte 14; 10.0.0.6 sums to 0x10.
put(ARP + 14n, [10, 0, 0, 6]);

// The state right after bond_lock() returned: s0 = bond, s1 = arp, s2 = &bond->lock (callee-saved,
// set before the call), ra = the call's return address. The call is the last jalr before the load of
// rx_hashtbl (`ld …,616(…)`: offsetof(struct bonding, alb_info.rx_hashtbl) = 0x268).
const tblAt = [...insns].find(([, i]) => i.mn === "ld" && /^616\(/.test(i.ops[1]))[0];
const calls = [...insns].filter(([o, i]) => i.mn === "jalr" && o < tblAt).map(([o]) => o);
const callAt = calls[calls.length - 1];
let pc = callAt + 8n; // jalr + its delay slot
R.s0 = BOND;
R.s1 = ARP;
R.s2 = BOND + 584n;
R.ra = LOAD + pc - start;
R.v0 = 0n; // bond_lock's return value (void: whatever it left; 0 here)

const sx16 = (s) => BigInt.asIntN(16, BigInt(Number(s)));
const parseMem = (s) => {
  const m = /^(-?\d+)\((\w+)\)$/.exec(s);
  return { disp: BigInt(m[1]), base: m[2] };
};
const load = (addr, n) => {
  let v = 0n;
  for (let i = 0n; i < BigInt(n); i++) {
    const b = mem.get((addr + i) & M64);
    if (b === undefined) return { fault: addr };
    v = (v << 8n) | b;
  }
  return { v };
};

// Interpret until a load faults. Only the instructions this path executes are modelled.
let fault;
let delay; // pending branch target
for (let steps = 0; steps < 200 && fault === undefined; steps++) {
  const i = insns.get(pc);
  if (!i) throw new Error(`no instruction at 0x${pc.toString(16)}`);
  const [a, b, c] = i.ops;
  if (process.env.TRACE)
    console.error(pc.toString(16), i.mn, i.ops.join(","), R.v0.toString(16), R.v1.toString(16), R.a1.toString(16));
  let next = delay ?? pc + 4n;
  delay = undefined;
  const set = (r, v) => {
    if (r !== "zero") R[r] = v & M64;
  };
  switch (i.mn) {
    case "nop":
      break;
    case "move":
      set(a, R[b]);
      break;
    case "li":
      set(a, BigInt.asUintN(64, sx16(b)));
      break;
    case "daddiu":
      set(a, R[b] + sx16(c));
      break;
    case "daddu":
      set(a, R[b] + R[c]);
      break;
    case "dsll":
      set(a, R[b] << BigInt(Number(c)));
      break;
    case "baddu": // Octeon: byte add, rd = (rs + rt) & 0xff
      set(a, (R[b] + R[c]) & 0xffn);
      break;
    case "bne": {
      const t = BigInt(`0x${/^([0-9a-f]+)/.exec(c)[1]}`);
      // The delay slot executes first, then the target (taken) or the instruction after the slot.
      delay = R[a] !== R[b] ? t : pc + 8n;
      next = pc + 4n;
      break;
    }
    case "lbu":
    case "ld": {
      const m = parseMem(b);
      const addr = (R[m.base] + m.disp) & M64;
      const r = load(addr, i.mn === "ld" ? 8 : 1);
      if (r.fault !== undefined) {
        fault = { pc, addr, insn: i };
        continue;
      }
      set(a, r.v);
      break;
    }
    default:
      throw new Error(`make-oops: ${i.mn} at 0x${pc.toString(16)} is not modelled`);
  }
  pc = next;
}
if (!fault) throw new Error("no fault reached");
// The seed's numbers: rx_hashtbl 0 + hash_index 0x10 × sizeof(struct rlb_client_info) 0x30 + offsetof(assigned) 0x18.
if (fault.addr !== 0x318n) throw new Error(`the run faulted at 0x${fault.addr.toString(16)}, not the seed's 0x318`);

const epc = LOAD + fault.pc - start;
const sym = (o) => `${FN}+0x${(o - start).toString(16)}/0x${size.toString(16)} [bonding]`;
const code = [];
// arch/mips/kernel/traps.c show_code(): three words before the epc, the epc's word in <>, five after.
for (let k = -3n; k < 6n; k++) {
  const w = insns.get(fault.pc + 4n * k)?.word;
  if (w) code.push(k === 0n ? `<${w}>` : w);
}
// arch/mips/kernel/traps.c show_regs(): four registers a row, $26/$27 (k0/k1) left out.
const rows = [];
for (let r = 0; r < 32; r += 4) {
  const nums = [r, r + 1, r + 2, r + 3].filter((n) => n !== 26 && n !== 27);
  rows.push(`$${String(r).padStart(2, " ")} : ${nums.map((n) => hex16(R[NAMES[n]])).join(" ")}`);
}
const out = [
  "# GENERATED by packages/core/test-data/seed-shape/make-oops.mjs from bonding.ko's own disassembly;",
  "# no kernel printed this. Registers off the fault's path are filler copied from examples/seed/oops.log.",
  `CPU 0 Unable to handle kernel paging request at virtual address ${hex16(fault.addr)}, epc == ${hex16(epc)}, ra == ${hex16(R.ra)}`,
  "Oops[#1]:",
  "Cpu 0",
  ...rows,
  "Hi : 0000000000000000",
  "Lo : 0000000000000000",
  `epc : ${hex16(epc)} ${sym(fault.pc)}`,
  "Tainted: P",
  `ra : ${hex16(R.ra)} ${sym(R.ra - LOAD + start)}`,
  "Status: 1010cce3 KX SX UX KERNEL EXL IE",
  "Cause : 00800008",
  `BadVA : ${hex16(fault.addr)}`,
  "PrId : 000d9202 (Cavium Octeon II)",
  "Modules linked in: bonding octeon_ethernet",
  "Process swapper (pid: 0, threadinfo=ffffffff811c4000, task=ffffffff811e5280, tls=0000000000000000)",
  "Call Trace:",
  `[<${hex16(epc)}>] ${sym(fault.pc)}`,
  "[<ffffffff807a7648>] netif_receive_skb+0x3f0/0x4d8",
  "[<ffffffffc0010154>] cvm_oct_napi_poll_38+0x7ac/0x10e8 [octeon_ethernet]",
  "[<ffffffff807a8218>] net_rx_action+0x128/0x280",
  "[<ffffffff80314018>] __do_softirq+0x130/0x248",
  "",
  `Code: ${code.join(" ")}`,
  "Kernel panic - not syncing: Fatal exception in interrupt",
];
process.stdout.write(`${out.join("\n")}\n`);
