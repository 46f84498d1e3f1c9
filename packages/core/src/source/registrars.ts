/**
 * Registration functions as data: which kernel call stores a callback for later delivery, which
 * argument carries the struct holding it, and which member of that struct scopes what the callback
 * receives (with what an unset or NULL value means). `findRootCause` reads a registration's scope
 * through this table; a new registration API is a new row, not a new branch.
 */

import type { Registrar } from "./types.js";

export const REGISTRARS: readonly Registrar[] = [
  {
    // include/linux/netdevice.h: struct packet_type { __be16 type; ...; struct net_device *dev; func }.
    // net/core/dev.c ptype_head(): dev == NULL puts the handler on the global lists (ptype_all for
    // ETH_P_ALL, else ptype_base[type hash]), which __netif_receive_skb_core() walks for every
    // device's packets; dev != NULL puts it on that device's ptype_all/ptype_specific list only.
    call: "dev_add_pack",
    struct: "packet_type",
    arg: 0,
    scopeField: "dev",
    kindField: "type",
    wildcard: true,
    nullMeans: "wildcard: every device's packets of that type reach the handler",
    setMeans: "only that device's packets reach the handler",
    cites: "include/linux/netdevice.h struct packet_type; net/core/dev.c ptype_head(), __netif_receive_skb_core()",
  },
  {
    // include/linux/netdevice.h: struct packet_offload has no device member; net/core/gro.c
    // dev_add_offload() adds it to the global offload_base list, used for every device's GRO.
    call: "dev_add_offload",
    struct: "packet_offload",
    arg: 0,
    kindField: "type",
    wildcard: true,
    nullMeans: "every device's packets of that type (packet_offload has no device scope)",
    setMeans: "every device's packets of that type (packet_offload has no device scope)",
    cites: "include/linux/netdevice.h struct packet_offload; net/core/gro.c dev_add_offload()",
  },
  {
    // net/core/dev.c register_netdevice_notifier(): the notifier is called for every net device's
    // events in every namespace (and replayed for the devices already registered).
    call: "register_netdevice_notifier",
    struct: "notifier_block",
    arg: 0,
    wildcard: true,
    nullMeans: "every net device's events (a netdevice notifier has no device scope)",
    setMeans: "every net device's events (a netdevice notifier has no device scope)",
    cites: "net/core/dev.c register_netdevice_notifier()",
  },
  {
    // net/core/dev.c netdev_rx_handler_register(dev, rx_handler, data): stores the handler in that
    // device's rx_handler, which __netif_receive_skb_core() calls for skb->dev only (the per-device
    // hook that replaced bonding's packet_type in later kernels).
    call: "netdev_rx_handler_register",
    arg: 1,
    scopeArg: 0,
    wildcard: false,
    nullMeans: "no device: there is nothing to register on",
    setMeans: "only packets received on that device reach the handler",
    cites: "net/core/dev.c netdev_rx_handler_register(), __netif_receive_skb_core()",
  },
];

/** The row for a call name, if it registers callbacks. */
export function registrarFor(call: string): Registrar | undefined {
  return REGISTRARS.find((r) => r.call === call);
}
