/*
 * echo.c — the benchmark's backend: a small single-threaded epoll TCP server.
 *
 *   echo -p PORT -m MODE
 *
 * MODE
 *   echo      echo every byte back (the tunnel backend)
 *   flood     write a constant 64 KiB buffer as fast as the socket takes it; input is discarded
 *   ws-echo   a WebSocket server (RFC 6455) echoing each data frame's payload in binary frames:
 *             the "direct" calibration target, with no backend hop
 *   ws-flood  a WebSocket server sending 64 KiB binary frames as fast as it can
 *
 * PORT 0 picks a free port. Prints "listening PORT\n" on stdout once bound, then serves until killed.
 * Written in C so the backend is never the bottleneck of a tunnel benchmark.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sha1.h"

#define BUF_SIZE (256 * 1024)
#define FLOOD_SIZE (64 * 1024)

enum mode { M_ECHO, M_FLOOD, M_WS_ECHO, M_WS_FLOOD };

struct conn {
  int fd;
  int upgraded;             /* ws modes: handshake done */
  unsigned char *out;       /* pending output */
  size_t out_len, out_off, out_cap;
  unsigned char hdr[1024];  /* ws modes: request head accumulator */
  size_t hdr_len;
  /* ws frame parser */
  unsigned char fh[14];
  size_t fh_len;
  uint64_t remaining;
  unsigned char mask[4];
  unsigned mask_idx;
  int opcode;
  int closing;
  size_t flood_off;         /* flood modes: position in the repeating output */
};

static enum mode g_mode;
static int g_ep;
static unsigned char g_flood[FLOOD_SIZE + 16];
static size_t g_flood_len;
static unsigned char g_buf[BUF_SIZE];

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void conn_free(struct conn *c) {
  epoll_ctl(g_ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->out);
  free(c);
}

static void out_append(struct conn *c, const void *p, size_t n) {
  if (c->out_off > 0 && c->out_off == c->out_len) c->out_off = c->out_len = 0;
  if (c->out_len + n > c->out_cap) {
    size_t cap = c->out_cap ? c->out_cap : 4096;
    while (cap < c->out_len + n) cap *= 2;
    c->out = realloc(c->out, cap);
    if (!c->out) die("realloc");
    c->out_cap = cap;
  }
  memcpy(c->out + c->out_len, p, n);
  c->out_len += n;
}

static void set_events(struct conn *c, uint32_t ev) {
  struct epoll_event e = {.events = ev, .data.ptr = c};
  epoll_ctl(g_ep, EPOLL_CTL_MOD, c->fd, &e);
}

/* Write pending output; returns -1 on a dead socket, 1 if output is still pending, 0 if drained. */
static int flush_out(struct conn *c) {
  while (c->out_off < c->out_len) {
    ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (w < 0) {
      if (errno == EAGAIN) return 1;
      if (errno == EINTR) continue;
      return -1;
    }
    c->out_off += (size_t)w;
  }
  c->out_off = c->out_len = 0;
  return 0;
}

static void ws_frame_header(struct conn *c, int opcode, uint64_t len) {
  unsigned char h[10];
  size_t n;
  h[0] = (unsigned char)(0x80 | opcode);
  if (len < 126) {
    h[1] = (unsigned char)len;
    n = 2;
  } else if (len < 65536) {
    h[1] = 126;
    h[2] = (unsigned char)(len >> 8);
    h[3] = (unsigned char)len;
    n = 4;
  } else {
    h[1] = 127;
    for (int i = 0; i < 8; i++) h[2 + i] = (unsigned char)(len >> (56 - 8 * i));
    n = 10;
  }
  out_append(c, h, n);
}

static int ws_handshake(struct conn *c) {
  unsigned char *end = memmem(c->hdr, c->hdr_len, "\r\n\r\n", 4);
  if (!end) return c->hdr_len >= sizeof c->hdr - 1 ? -1 : 0;
  size_t head_len = (size_t)(end - c->hdr) + 4;
  c->hdr[c->hdr_len] = 0;
  char *key = strcasestr((char *)c->hdr, "\r\nSec-WebSocket-Key:");
  if (!key) return -1;
  key += 20;
  while (*key == ' ') key++;
  size_t klen = strcspn(key, "\r\n ");
  char accept[64];
  ws_accept_key(key, klen, accept);
  const char *proto = strcasestr((char *)c->hdr, "\r\nSec-WebSocket-Protocol:") ? "Sec-WebSocket-Protocol: binary\r\n" : "";
  char resp[512];
  int n = snprintf(resp, sizeof resp,
                   "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: %s\r\n%s\r\n",
                   accept, proto);
  out_append(c, resp, (size_t)n);
  c->upgraded = 1;
  /* bytes behind the head are frames */
  size_t rest = c->hdr_len - head_len;
  memmove(g_buf, c->hdr + head_len, rest);
  return (int)rest + 1;
}

/* Feed client bytes to the frame parser; data payloads are echoed as binary frames. */
static int ws_feed(struct conn *c, unsigned char *p, size_t n) {
  while (n > 0) {
    if (c->remaining == 0 && c->fh_len < 2) {
      c->fh[c->fh_len++] = *p++;
      n--;
      continue;
    }
    if (c->remaining == 0) {
      size_t need = 2 + 4;
      unsigned l7 = c->fh[1] & 0x7f;
      if (l7 == 126) need += 2;
      if (l7 == 127) need += 8;
      if (c->fh_len < need) {
        c->fh[c->fh_len++] = *p++;
        n--;
        if (c->fh_len < need) continue;
      }
      uint64_t len = l7;
      size_t off = 2;
      if (l7 == 126) {
        len = ((uint64_t)c->fh[2] << 8) | c->fh[3];
        off = 4;
      } else if (l7 == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) len = (len << 8) | c->fh[2 + i];
        off = 10;
      }
      memcpy(c->mask, c->fh + off, 4);
      c->mask_idx = 0;
      c->opcode = c->fh[0] & 0x0f;
      c->fh_len = 0;
      if (c->opcode == 8) {
        unsigned char close_frame[4] = {0x88, 0x02, 0x03, 0xe8};
        out_append(c, close_frame, 4);
        c->closing = 1;
        return 0;
      }
      if (len == 0) continue;
      c->remaining = len;
      if (c->opcode <= 2) ws_frame_header(c, 2, len);
      else if (c->opcode == 9) ws_frame_header(c, 10, len);
      continue;
    }
    size_t take = n < c->remaining ? n : (size_t)c->remaining;
    if (c->opcode <= 2 || c->opcode == 9) {
      for (size_t i = 0; i < take; i++) p[i] ^= c->mask[(c->mask_idx + i) & 3];
      c->mask_idx = (unsigned)((c->mask_idx + take) & 3);
      out_append(c, p, take);
    }
    c->remaining -= take;
    p += take;
    n -= take;
  }
  return 0;
}

/* Flood modes: write the repeating buffer straight from memory until the socket is full. */
static int flood(struct conn *c) {
  for (;;) {
    ssize_t w = write(c->fd, g_flood + c->flood_off, g_flood_len - c->flood_off);
    if (w < 0) {
      if (errno == EAGAIN) return 1;
      if (errno == EINTR) continue;
      return -1;
    }
    c->flood_off = (c->flood_off + (size_t)w) % g_flood_len;
  }
}

static void on_event(struct conn *c, uint32_t ev) {
  if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    for (;;) {
      ssize_t r = read(c->fd, g_buf, BUF_SIZE);
      if (r == 0) goto dead;
      if (r < 0) {
        if (errno == EAGAIN) break;
        if (errno == EINTR) continue;
        goto dead;
      }
      size_t n = (size_t)r;
      if (g_mode == M_ECHO) {
        out_append(c, g_buf, n);
        if (c->out_len - c->out_off > BUF_SIZE) break;
      } else if (g_mode == M_FLOOD) {
        /* discard */
      } else if (!c->upgraded) {
        size_t room = sizeof c->hdr - 1 - c->hdr_len;
        size_t take = n < room ? n : room;
        memcpy(c->hdr + c->hdr_len, g_buf, take);
        c->hdr_len += take;
        int h = ws_handshake(c);
        if (h < 0) goto dead;
        if (h > 0 && g_mode == M_WS_ECHO && h > 1) ws_feed(c, g_buf, (size_t)h - 1);
      } else if (g_mode == M_WS_ECHO) {
        ws_feed(c, g_buf, n);
        if (c->out_len - c->out_off > BUF_SIZE) break;
      } else {
        /* ws-flood: only look for a close frame */
        if ((g_buf[0] & 0x0f) == 8) goto dead;
      }
    }
  }
  int f = flush_out(c);
  if (f < 0) goto dead;
  if (f == 0 && c->closing) goto dead;
  if (f == 0 && (g_mode == M_FLOOD || (g_mode == M_WS_FLOOD && c->upgraded))) f = flood(c);
  if (f < 0) goto dead;
  /* backpressure: with a full output buffer, stop reading until the peer drains it */
  if (f && c->out_len - c->out_off > BUF_SIZE) set_events(c, EPOLLOUT);
  else set_events(c, f ? EPOLLIN | EPOLLOUT : EPOLLIN);
  return;
dead:
  conn_free(c);
}

int main(int argc, char **argv) {
  int port = 0;
  const char *mode = "echo";
  int opt;
  while ((opt = getopt(argc, argv, "p:m:")) != -1) {
    if (opt == 'p') port = atoi(optarg);
    else if (opt == 'm') mode = optarg;
    else {
      fprintf(stderr, "usage: echo -p PORT -m echo|flood|ws-echo|ws-flood\n");
      return 2;
    }
  }
  if (!strcmp(mode, "echo")) g_mode = M_ECHO;
  else if (!strcmp(mode, "flood")) g_mode = M_FLOOD;
  else if (!strcmp(mode, "ws-echo")) g_mode = M_WS_ECHO;
  else if (!strcmp(mode, "ws-flood")) g_mode = M_WS_FLOOD;
  else {
    fprintf(stderr, "echo: unknown mode %s\n", mode);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  memset(g_flood, 'x', sizeof g_flood);
  g_flood_len = FLOOD_SIZE;
  if (g_mode == M_WS_FLOOD) {
    /* one binary frame: 127-length header + payload */
    g_flood[0] = 0x82;
    g_flood[1] = 127;
    for (int i = 0; i < 8; i++) g_flood[2 + i] = (unsigned char)((uint64_t)FLOOD_SIZE >> (56 - 8 * i));
    g_flood_len = FLOOD_SIZE + 10;
  }

  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (lfd < 0) die("socket");
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
  if (listen(lfd, 4096) < 0) die("listen");
  socklen_t sl = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &sl);
  printf("listening %d\n", ntohs(sa.sin_port));
  fflush(stdout);

  g_ep = epoll_create1(0);
  struct epoll_event le = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(g_ep, EPOLL_CTL_ADD, lfd, &le);
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(g_ep, evs, 256, -1);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) {
      struct conn *c = evs[i].data.ptr;
      if (c) {
        on_event(c, evs[i].events);
        continue;
      }
      for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
        if (fd < 0) break;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *nc = calloc(1, sizeof *nc);
        if (!nc) die("calloc");
        nc->fd = fd;
        uint32_t ev = EPOLLIN;
        if (g_mode == M_FLOOD) ev |= EPOLLOUT;
        struct epoll_event ce = {.events = ev, .data.ptr = nc};
        epoll_ctl(g_ep, EPOLL_CTL_ADD, fd, &ce);
      }
    }
  }
}
