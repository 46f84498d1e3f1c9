#!/usr/bin/env node
// Builds a large serial-console log for the parser bench: real crash samples (the 747 syzkaller
// report logs under corpus/syzkaller/report and the seed's MIPS64 oops) embedded in generated boot
// noise — many boots, each opening with a `Linux version` banner, printk timestamps, some boots with
// CONFIG_PRINTK_CALLER tags, driver and systemd chatter — written to bench/data/ (git-ignored).
// Deterministic: the same size gives the same file.
//
//   node bench/make-log.mjs [SIZE_MB=512] [OUT=bench/data/console-<SIZE>m.log]

import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sizeMb = Number(process.argv[2] ?? 512);
if (!Number.isFinite(sizeMb) || sizeMb <= 0) {
  console.error("usage: node bench/make-log.mjs [SIZE_MB] [OUT]");
  process.exit(2);
}
const out = process.argv[3] ?? join(root, "bench/data", `console-${sizeMb}m.log`);
const target = sizeMb * 1024 * 1024;

// A small deterministic PRNG (mulberry32) so every run writes the same bytes.
let state = 0x5eed ^ sizeMb;
function rnd() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const hex = (n, w) => Math.floor(n).toString(16).padStart(w, "0");

// The crash samples: the console-log part of each syzkaller report file (after the header block,
// before an optional `REPORT:` section), and the seed oops.
const reportDir = join(root, "corpus/syzkaller/report");
const samples = [];
for (const f of readdirSync(reportDir)) {
  if (!/^\d+$/.test(f)) continue;
  const text = readFileSync(join(reportDir, f), "latin1");
  const body = text.slice(text.indexOf("\n\n") + 2);
  const cut = body.indexOf("\nREPORT:\n");
  samples.push(Buffer.from(cut >= 0 ? body.slice(0, cut + 1) : body, "latin1"));
}
const seed = readFileSync(join(root, "examples/seed/oops.log"));

const releases = ["6.1.0-13-amd64", "5.10.0-26-amd64", "6.6.15-arm64", "4.19.0-25-amd64", "2.6.32.27-octeon"];
const disks = ["sda", "sdb", "nvme0n1", "vda", "mmcblk0"];
const nics = ["eth0", "eth1", "enp3s0", "eno1", "bond0", "bond1"];
const units = ["systemd-udevd.service", "networking.service", "ssh.service", "cron.service", "rsyslog.service"];

function noiseLine(i) {
  switch (Math.floor(rnd() * 12)) {
    case 0:
      return `BIOS-e820: [mem 0x${hex(rnd() * 2 ** 40, 16)}-0x${hex(rnd() * 2 ** 40, 16)}] ${pick(["usable", "reserved", "ACPI data", "ACPI NVS"])}`;
    case 1:
      return `pci 0000:${hex(rnd() * 256, 2)}:${hex(rnd() * 32, 2)}.${Math.floor(rnd() * 8)}: [${hex(rnd() * 65536, 4)}:${hex(rnd() * 65536, 4)}] type 00 class 0x${hex(rnd() * 0xffffff, 6)}`;
    case 2:
      return `usb ${1 + Math.floor(rnd() * 4)}-${1 + Math.floor(rnd() * 8)}: new ${pick(["high", "full", "super"])}-speed USB device number ${Math.floor(rnd() * 20)} using xhci_hcd`;
    case 3:
      return `EXT4-fs (${pick(disks)}${1 + Math.floor(rnd() * 4)}): mounted filesystem with ordered data mode. Quota mode: none.`;
    case 4:
      return `${pick(["e1000e", "igb", "ixgbe", "octeon_ethernet"])} 0000:0${Math.floor(rnd() * 9)}:00.0 ${pick(nics)}: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx`;
    case 5:
      return `audit: type=1400 audit(${(1.7e9 + i).toFixed(3)}:${Math.floor(rnd() * 1000)}): apparmor="STATUS" operation="profile_load" profile="unconfined" name="/usr/sbin/${pick(["cupsd", "ntpd", "named", "tcpdump"])}" pid=${Math.floor(rnd() * 30000)} comm="apparmor_parser"`;
    case 6:
      return `systemd[1]: Started ${pick(units)} - ${pick(["Rule-based Manager for Device Events", "Raise network interfaces", "OpenBSD Secure Shell server", "Regular background program processing daemon", "System Logging Service"])}.`;
    case 7:
      return `bonding: ${pick(["bond0", "bond1"])}: ${pick(["Enslaving eth0 as an active interface with an up link", "link status definitely up for interface eth1, 1000 Mbps full duplex", "making interface eth1 the new active one"])}`;
    case 8:
      return `ACPI: ${pick(["PM-Timer IO Port: 0x408", "Added _OSI(Module Device)", "Interpreter enabled", "Using IOAPIC for interrupt routing"])}`;
    case 9:
      return `sd ${Math.floor(rnd() * 4)}:0:0:0: [${pick(disks)}] ${Math.floor(rnd() * 2 ** 31)} 512-byte logical blocks: (${(rnd() * 4).toFixed(2)} TB)`;
    case 10:
      return `random: crng init done`;
    default:
      return `${pick(["IPv6", "NET", "TCP", "UDP"])}: ${pick(["Registered PF_INET6 protocol family", "established hash table entries: 524288 (order: 10, 4194304 bytes, vmalloc)", "bind hash table entries: 65536", "ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready"])}`;
  }
}

mkdirSync(dirname(out), { recursive: true });
const fd = openSync(out, "w");
let written = 0;
let pending = [];
let pendingLen = 0;
const flush = () => {
  if (pendingLen === 0) return;
  const b = Buffer.concat(pending, pendingLen);
  writeSync(fd, b);
  written += b.length;
  pending = [];
  pendingLen = 0;
};
const put = (b) => {
  pending.push(b);
  pendingLen += b.length;
  if (pendingLen >= 8 << 20) flush();
};

let boots = 0;
let crashes = 0;
let loopLeft = 0;
while (written + pendingLen < target) {
  boots++;
  const release = pick(releases);
  const tagged = rnd() < 0.4;
  let t = rnd() * 0.001;
  const stamp = (caller) => {
    t += rnd() * 0.05;
    const ts = t.toFixed(6).padStart(12, " ");
    return tagged ? `[${ts}][${caller.padStart(6, " ")}] ` : `[${ts}] `;
  };
  put(Buffer.from(`${stamp("T0")}Linux version ${release} (builder@buildhost) (gcc version 12.2.0) #1 SMP Debian\n`));
  put(
    Buffer.from(
      `${stamp("T0")}Command line: BOOT_IMAGE=/boot/vmlinuz-${release} root=/dev/${pick(disks)}1 ro console=ttyS0,115200\n`,
    ),
  );
  const lines = 2000 + Math.floor(rnd() * 6000);
  for (let i = 0; i < lines; i++) {
    const caller = rnd() < 0.8 ? `T${1 + Math.floor(rnd() * 4000)}` : `C${Math.floor(rnd() * 8)}`;
    put(Buffer.from(`${stamp(caller)}${noiseLine(i)}\n`));
  }
  // Most boots end in a crash; a run of boots ending in the seed's oops makes a reboot loop.
  if (loopLeft === 0 && rnd() < 0.05) loopLeft = 3 + Math.floor(rnd() * 5);
  if (loopLeft > 0) {
    loopLeft--;
    for (const line of seed.toString("latin1").split("\n"))
      if (line) put(Buffer.from(`${stamp("C0")}${line}\n`, "latin1"));
    crashes++;
  } else if (rnd() < 0.7) {
    put(pick(samples));
    put(Buffer.from("\n"));
    crashes++;
  }
}
flush();
closeSync(fd);
console.log(
  JSON.stringify({ out, bytes: written, megabytes: +(written / 1048576).toFixed(1), boots, crashSamples: crashes }),
);
