/*
 * tycho/tycho.h - the C SDK for Tycho guests, all of it.
 *
 *   #include <tycho/tycho.h>
 *   tycho-cc app.c -o app.wasm && tycho run app.wasm
 *
 *   tycho/core.h     process ids, status codes, the tag convention, errors, tycho_panic
 *   tycho/message.h  send, receive, typed values, timers
 *   tycho/process.h  spawn, links, monitors, kill, the registry, configs
 *   tycho/request.h  request/reply with a timeout
 *   tycho/channel.h  bounded and unbounded channels
 *
 * The raw host functions stay available through <lunatic.h>. docs/guide-c.md walks
 * through the SDK; each header documents its functions.
 */
#ifndef TYCHO_TYCHO_H
#define TYCHO_TYCHO_H

#include <tycho/channel.h>
#include <tycho/core.h>
#include <tycho/message.h>
#include <tycho/process.h>
#include <tycho/request.h>

#endif /* TYCHO_TYCHO_H */
