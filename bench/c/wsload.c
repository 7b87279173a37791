/*
 * wsload.c — the benchmark's WebSocket load generator (RFC 6455 client; single thread, epoll).
 *
 *   wsload -p PORT -m MODE [-P /path] [-c CONNS] [-s SIZE] [-d SECONDS] [-w WINDOW] [-i HOLD] [-W WARMUP]
 *
 * MODE
 *   rr         request-response: each connection sends one SIZE-byte message and waits until SIZE payload
 *              bytes came back (the tunnel may re-split them into frames), then sends the next.
 *              Reports messages/s and latency percentiles.
 *   stream     each connection keeps up to WINDOW bytes in flight, sending SIZE-byte messages;
 *              reports the echoed bytes/s.
 *   sink       connections only read (the backend floods); reports received payload bytes/s.
 *   idle       opens CONNS tunnels, prints "READY n" on stdout, holds them HOLD seconds, then sends one
 *              SIZE-byte message on each and reports how many echoed it ("alive").
 *   handshake  CONNS concurrent loops of connect → upgrade → CLOSE frame → wait for the server's
 *              CLOSE or EOF → close; reports cycles/s.
 *   probe      one connection, one echo; exit status 0 if it worked (used to see whether a server runs).
 *
 * Every client frame is masked (the payload is pre-masked once, so masking costs the client nothing
 * per message). Sends "Sec-WebSocket-Protocol: binary" (lighttpd 1.4.69 always answers one with
 * frame-type binary). Prints one JSON object on stdout at the end, including the client's own CPU
 * use (getrusage) during the measured interval, so a reader can see whether the client was the limit.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sha1.h"

enum mode { M_RR, M_STREAM, M_SINK, M_IDLE, M_HANDSHAKE, M_PROBE };
enum state { S_CONNECTING, S_UPGRADING, S_OPEN, S_CLOSING, S_DEAD };

struct conn {
  int fd;
  enum state state;
  size_t req_off;
  char resp[2048];
  size_t resp_len;
  unsigned char fh[14]; /* frame header being parsed */
  size_t fh_len;
  uint64_t remaining; /* payload bytes left in the current frame */
  int opcode;
  size_t send_off; /* bytes of g_frame written; == g_frame_len when idle */
  int want_send;   /* messages queued to send */
  uint64_t t_sent;
  uint64_t got; /* payload bytes received towards the current message (rr / idle / probe) */
  uint64_t sent_bytes, recv_bytes;
  int echoed;
  uint32_t events; /* what epoll currently watches */
};

static enum mode g_mode;
static int g_ep, g_port = 0, g_conns = 1, g_size = 32, g_window = 256 * 1024;
static double g_duration = 5, g_hold = 10, g_warmup = 0.5;
static const char *g_path = "/ws";
static char g_req[512];
static size_t g_req_len;
static char g_accept[64];
static unsigned char *g_frame;
static size_t g_frame_len;
static const unsigned char g_close_frame[] = {0x88, 0x82, 0x11, 0x22, 0x33, 0x44, 0x03 ^ 0x11, 0xe8 ^ 0x22};
static unsigned char g_buf[256 * 1024];
static struct sockaddr_in g_addr;

static int g_measuring, g_running = 1;
static uint64_t g_msgs, g_bytes, g_cycles, g_errors, g_closed, g_open, g_alive, g_connecting;
static uint32_t *g_lat;
static size_t g_lat_n, g_lat_cap;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void record_latency(uint64_t ns) {
  if (g_lat_n == g_lat_cap) {
    g_lat_cap = g_lat_cap ? g_lat_cap * 2 : 65536;
    g_lat = realloc(g_lat, g_lat_cap * sizeof *g_lat);
    if (!g_lat) exit(3);
  }
  g_lat[g_lat_n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static void set_events(struct conn *c, uint32_t ev, int op) {
  if (op == EPOLL_CTL_MOD && c->events == ev) return;
  c->events = ev;
  struct epoll_event e = {.events = ev, .data.ptr = c};
  epoll_ctl(g_ep, op, c->fd, &e);
}

static void conn_kill(struct conn *c, int is_error) {
  if (c->state == S_DEAD) return;
  if (c->state == S_CONNECTING || c->state == S_UPGRADING) g_connecting--;
  if (c->state == S_OPEN || c->state == S_CLOSING) g_open--;
  if (is_error) g_errors++;
  else g_closed++;
  epoll_ctl(g_ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->state = S_DEAD;
}

static void conn_start(struct conn *c) {
  memset(c, 0, sizeof *c);
  c->send_off = g_frame_len;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) {
    perror("wsload: socket");
    exit(3);
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->state = S_CONNECTING;
  g_connecting++;
  if (connect(c->fd, (struct sockaddr *)&g_addr, sizeof g_addr) < 0 && errno != EINPROGRESS) {
    c->state = S_DEAD;
    g_connecting--;
    g_errors++;
    close(c->fd);
    return;
  }
  set_events(c, EPOLLOUT, EPOLL_CTL_ADD);
}

/* Write what is pending: first the rest of the current frame, then further queued messages. */
static void pump(struct conn *c) {
  for (;;) {
    if (c->send_off == g_frame_len) {
      if (c->want_send == 0) break;
      c->want_send--;
      c->send_off = 0;
      c->t_sent = now_ns();
    }
    ssize_t w = write(c->fd, g_frame + c->send_off, g_frame_len - c->send_off);
    if (w < 0) {
      if (errno == EAGAIN) break;
      if (errno == EINTR) continue;
      conn_kill(c, 1);
      return;
    }
    c->send_off += (size_t)w;
    if (c->send_off == g_frame_len) c->sent_bytes += (uint64_t)g_size;
    if (g_mode == M_STREAM && c->send_off == g_frame_len && c->sent_bytes - c->recv_bytes + (uint64_t)g_size <= (uint64_t)g_window)
      c->want_send = 1;
  }
  set_events(c, c->send_off < g_frame_len ? EPOLLIN | EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
}

static void send_message(struct conn *c) {
  c->want_send++;
  pump(c);
}

static void on_open(struct conn *c) {
  g_connecting--;
  g_open++;
  c->state = S_OPEN;
  if (g_mode == M_HANDSHAKE) {
    if (write(c->fd, g_close_frame, sizeof g_close_frame) != (ssize_t)sizeof g_close_frame) {
      conn_kill(c, 1);
      return;
    }
    c->state = S_CLOSING;
  } else if (g_mode == M_PROBE) {
    send_message(c);
  }
}

static void on_payload(struct conn *c, uint64_t n) {
  c->recv_bytes += n;
  switch (g_mode) {
  case M_RR:
    c->got += n;
    while (c->got >= (uint64_t)g_size) {
      c->got -= (uint64_t)g_size;
      if (g_measuring) {
        g_msgs++;
        g_bytes += (uint64_t)g_size;
        record_latency(now_ns() - c->t_sent);
      }
      if (g_running) send_message(c);
    }
    break;
  case M_STREAM:
    if (g_measuring) g_bytes += n;
    if (g_running && c->send_off == g_frame_len && c->want_send == 0 &&
        c->sent_bytes - c->recv_bytes + (uint64_t)g_size <= (uint64_t)g_window)
      send_message(c);
    break;
  case M_SINK:
    if (g_measuring) g_bytes += n;
    break;
  case M_IDLE:
  case M_PROBE:
    c->got += n;
    if (!c->echoed && c->got >= (uint64_t)g_size) {
      c->echoed = 1;
      g_alive++;
    }
    break;
  case M_HANDSHAKE:
    break;
  }
}

static void on_server_close(struct conn *c) {
  if (g_mode == M_HANDSHAKE && c->state == S_CLOSING) {
    conn_kill(c, 0);
    if (g_measuring) g_cycles++;
    if (g_running) conn_start(c);
    return;
  }
  conn_kill(c, 0);
}

/* Feed server bytes (unmasked frames) to the parser. */
static void parse_frames(struct conn *c, const unsigned char *p, size_t n) {
  while (n > 0 && c->state != S_DEAD) {
    if (c->remaining > 0) {
      size_t take = n < c->remaining ? n : (size_t)c->remaining;
      c->remaining -= take;
      p += take;
      n -= take;
      if (c->opcode <= 2) on_payload(c, take);
      continue;
    }
    c->fh[c->fh_len++] = *p++;
    n--;
    if (c->fh_len < 2) continue;
    unsigned l7 = c->fh[1] & 0x7f;
    size_t need = 2 + (l7 == 126 ? 2 : l7 == 127 ? 8 : 0) + ((c->fh[1] & 0x80) ? 4 : 0);
    if (c->fh_len < need) continue;
    uint64_t len = l7;
    if (l7 == 126) len = ((uint64_t)c->fh[2] << 8) | c->fh[3];
    if (l7 == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) len = (len << 8) | c->fh[2 + i];
    }
    c->opcode = c->fh[0] & 0x0f;
    c->fh_len = 0;
    c->remaining = len;
    if (c->opcode == 8) {
      on_server_close(c);
      return;
    }
  }
}

static void on_upgrade_bytes(struct conn *c, const unsigned char *p, size_t n) {
  size_t room = sizeof c->resp - 1 - c->resp_len;
  size_t take = n < room ? n : room;
  memcpy(c->resp + c->resp_len, p, take);
  c->resp_len += take;
  c->resp[c->resp_len] = 0;
  char *end = strstr(c->resp, "\r\n\r\n");
  if (!end) {
    if (c->resp_len >= sizeof c->resp - 1) conn_kill(c, 1);
    return;
  }
  if (strncmp(c->resp, "HTTP/1.1 101", 12) != 0 || !strstr(c->resp, g_accept)) {
    if (g_mode == M_PROBE) fprintf(stderr, "wsload: upgrade refused: %.*s\n", (int)(end - c->resp), c->resp);
    conn_kill(c, 1);
    return;
  }
  size_t head = (size_t)(end - c->resp) + 4;
  size_t rest = c->resp_len - head;
  on_open(c);
  /* frames that arrived with the 101 (take counts only what fit in resp; the rest of p follows) */
  if (rest > 0 && c->state != S_DEAD) parse_frames(c, (unsigned char *)c->resp + head, rest);
  if (take < n && c->state != S_DEAD) parse_frames(c, p + take, n - take);
}

static void on_event(struct conn *c, uint32_t ev) {
  int fd = c->fd; /* handshake mode reuses the slot for a new connection: stop if that happened */
  if (c->state == S_DEAD) return;
  if (c->state == S_CONNECTING) {
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err) {
      conn_kill(c, 1);
      if (g_mode == M_HANDSHAKE && g_running) conn_start(c);
      return;
    }
    c->state = S_UPGRADING;
    set_events(c, EPOLLOUT | EPOLLIN, EPOLL_CTL_MOD);
  }
  if (c->state == S_UPGRADING && c->req_off < g_req_len && (ev & EPOLLOUT)) {
    ssize_t w = write(c->fd, g_req + c->req_off, g_req_len - c->req_off);
    if (w > 0) c->req_off += (size_t)w;
    else if (w < 0 && errno != EAGAIN) {
      conn_kill(c, 1);
      return;
    }
    if (c->req_off == g_req_len) set_events(c, EPOLLIN, EPOLL_CTL_MOD);
    return;
  }
  if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    for (int rounds = 0; rounds < 4 && c->state != S_DEAD; rounds++) {
      ssize_t r = read(c->fd, g_buf, sizeof g_buf);
      if (r == 0) {
        if (c->state == S_CLOSING) on_server_close(c);
        else {
          int was_upgrading = c->state == S_UPGRADING;
          conn_kill(c, was_upgrading);
          if (g_mode == M_HANDSHAKE && g_running) conn_start(c);
        }
        return;
      }
      if (r < 0) {
        if (errno == EAGAIN) break;
        if (errno == EINTR) continue;
        conn_kill(c, 1);
        if (g_mode == M_HANDSHAKE && g_running) conn_start(c);
        return;
      }
      if (c->state == S_UPGRADING) on_upgrade_bytes(c, g_buf, (size_t)r);
      else parse_frames(c, g_buf, (size_t)r);
      if (c->fd != fd) return;
      if ((size_t)r < sizeof g_buf) break;
    }
  }
  if (c->state == S_OPEN && (ev & EPOLLOUT)) pump(c);
}

static void poll_once(int timeout_ms) {
  struct epoll_event evs[512];
  int n = epoll_wait(g_ep, evs, 512, timeout_ms);
  for (int i = 0; i < n; i++) on_event(evs[i].data.ptr, evs[i].events);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static double pct_us(double p) {
  if (g_lat_n == 0) return 0;
  size_t i = (size_t)(p * (double)(g_lat_n - 1) + 0.5);
  return g_lat[i] / 1000.0;
}

static int usage(void) {
  fprintf(stderr, "usage: wsload -p PORT -m rr|stream|sink|idle|handshake|probe [-P path] [-c conns] [-s size] "
                  "[-d seconds] [-w window] [-i hold] [-W warmup]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *mode = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "p:m:P:c:s:d:w:i:W:")) != -1) {
    switch (opt) {
    case 'p': g_port = atoi(optarg); break;
    case 'm': mode = optarg; break;
    case 'P': g_path = optarg; break;
    case 'c': g_conns = atoi(optarg); break;
    case 's': g_size = atoi(optarg); break;
    case 'd': g_duration = atof(optarg); break;
    case 'w': g_window = atoi(optarg); break;
    case 'i': g_hold = atof(optarg); break;
    case 'W': g_warmup = atof(optarg); break;
    default: return usage();
    }
  }
  if (!mode || g_port <= 0 || g_conns <= 0 || g_size <= 0) return usage();
  if (!strcmp(mode, "rr")) g_mode = M_RR;
  else if (!strcmp(mode, "stream")) g_mode = M_STREAM;
  else if (!strcmp(mode, "sink")) g_mode = M_SINK;
  else if (!strcmp(mode, "idle")) g_mode = M_IDLE;
  else if (!strcmp(mode, "handshake")) g_mode = M_HANDSHAKE;
  else if (!strcmp(mode, "probe")) g_mode = M_PROBE;
  else return usage();
  if (g_mode == M_PROBE) g_conns = 1;
  signal(SIGPIPE, SIG_IGN);

  static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==";
  ws_accept_key(key, sizeof key - 1, g_accept);
  g_req_len = (size_t)snprintf(g_req, sizeof g_req,
                               "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n"
                               "Origin: http://127.0.0.1:%d\r\n\r\n",
                               g_path, g_port, key, g_port);
  /* one pre-masked binary frame of g_size bytes */
  size_t hl = g_size < 126 ? 2 : g_size < 65536 ? 4 : 10;
  g_frame_len = hl + 4 + (size_t)g_size;
  g_frame = malloc(g_frame_len);
  g_frame[0] = 0x82;
  if (hl == 2) g_frame[1] = (unsigned char)(0x80 | g_size);
  else if (hl == 4) {
    g_frame[1] = 0x80 | 126;
    g_frame[2] = (unsigned char)(g_size >> 8);
    g_frame[3] = (unsigned char)g_size;
  } else {
    g_frame[1] = 0x80 | 127;
    for (int i = 0; i < 8; i++) g_frame[2 + i] = (unsigned char)((uint64_t)g_size >> (56 - 8 * i));
  }
  static const unsigned char mask[4] = {0x5a, 0xc3, 0x19, 0x7e};
  memcpy(g_frame + hl, mask, 4);
  for (int i = 0; i < g_size; i++) g_frame[hl + 4 + (size_t)i] = (unsigned char)(('a' + i % 26) ^ mask[i & 3]);

  g_addr.sin_family = AF_INET;
  g_addr.sin_port = htons((uint16_t)g_port);
  g_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  g_ep = epoll_create1(0);
  struct conn *conns = calloc((size_t)g_conns, sizeof *conns);
  if (!conns) return 3;

  uint64_t t0 = now_ns();
  double connect_limit = g_mode == M_IDLE ? 60 : 15;
  int max_inflight = 128;
  int started = 0;
  if (g_mode == M_HANDSHAKE) {
    for (int i = 0; i < g_conns; i++) conn_start(&conns[i]);
    started = g_conns;
  } else {
    /* connect phase: open everything, at most max_inflight upgrades at a time */
    while ((started < g_conns || g_connecting > 0) && (now_ns() - t0) / 1e9 < connect_limit) {
      while (started < g_conns && g_connecting < (uint64_t)max_inflight) conn_start(&conns[started++]);
      poll_once(10);
    }
  }
  double setup_s = (double)(now_ns() - t0) / 1e9;
  uint64_t established = g_open;

  if (g_mode == M_PROBE) {
    uint64_t tp = now_ns();
    while (!g_alive && g_open > 0 && (now_ns() - tp) / 1e9 < 5) poll_once(10);
    printf("{\"mode\":\"probe\",\"ok\":%s}\n", g_alive ? "true" : "false");
    return g_alive ? 0 : 1;
  }

  double wall = 0, cpu = 0;
  if (g_mode == M_IDLE) {
    printf("READY %llu\n", (unsigned long long)g_open);
    fflush(stdout);
    uint64_t th = now_ns();
    while ((now_ns() - th) / 1e9 < g_hold) poll_once(50);
    uint64_t still_open = g_open;
    for (int i = 0; i < g_conns; i++)
      if (conns[i].state == S_OPEN) send_message(&conns[i]);
    uint64_t te = now_ns();
    while (g_alive < still_open && g_open > 0 && (now_ns() - te) / 1e9 < 15) poll_once(20);
  } else {
    if (g_mode != M_HANDSHAKE)
      for (int i = 0; i < g_conns; i++)
        if (conns[i].state == S_OPEN && (g_mode == M_RR || g_mode == M_STREAM)) send_message(&conns[i]);
    uint64_t tw = now_ns();
    while ((now_ns() - tw) / 1e9 < g_warmup) poll_once(10);
    g_measuring = 1;
    double cpu0 = cpu_seconds();
    uint64_t tm = now_ns();
    while ((now_ns() - tm) / 1e9 < g_duration) poll_once(10);
    g_measuring = 0;
    g_running = 0;
    wall = (double)(now_ns() - tm) / 1e9;
    cpu = cpu_seconds() - cpu0;
  }
  if (g_lat_n) qsort(g_lat, g_lat_n, sizeof *g_lat, cmp_u32);
  double div = wall > 0 ? wall : 1;
  printf("{\"mode\":\"%s\",\"conns\":%d,\"size\":%d,\"established\":%llu,\"setup_s\":%.3f,\"errors\":%llu,"
         "\"closed\":%llu,\"wall_s\":%.3f,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,\"cycles_per_s\":%.1f,"
         "\"p50_us\":%.1f,\"p99_us\":%.1f,\"alive\":%llu,\"cpu_pct\":%.1f}\n",
         mode, g_conns, g_size, (unsigned long long)established, setup_s, (unsigned long long)g_errors,
         (unsigned long long)g_closed, wall, (double)g_msgs / div, (double)g_bytes / div / 1e6,
         (double)g_cycles / div, pct_us(0.5), pct_us(0.99), (unsigned long long)g_alive, wall > 0 ? 100.0 * cpu / wall : 0);
  (void)started;
  return 0;
}
