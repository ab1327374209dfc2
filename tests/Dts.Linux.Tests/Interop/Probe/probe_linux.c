/* Kernel UAPI side of KernelHeaderTests: constants and layouts from <linux/tcp.h> and <linux/sockios.h>. */
#include <stdio.h>
#include <stddef.h>
#include <linux/tcp.h>
#include <asm/ioctls.h> /* FIONREAD, TIOCOUTQ: what SIOCINQ/SIOCOUTQ expand to */
#include <linux/sockios.h>

#define P(name) printf("%s %lld\n", #name, (long long)(name))
#define S(type) printf("sizeof(%s) %zu\n", #type, sizeof(struct type))
#define O(type, field) printf("offsetof(%s.%s) %zu\n", #type, #field, offsetof(struct type, field))

void probe_linux(void)
{
    P(TCP_MAXSEG); P(TCP_INFO); P(TCP_REPAIR); P(TCP_REPAIR_QUEUE); P(TCP_QUEUE_SEQ); P(TCP_REPAIR_OPTIONS);
    P(TCP_TIMESTAMP); P(TCP_SAVE_SYN); P(TCP_SAVED_SYN); P(TCP_REPAIR_WINDOW);
    P(TCP_REPAIR_ON); P(TCP_REPAIR_OFF); P(TCP_REPAIR_OFF_NO_WP);
    P(TCP_NO_QUEUE); P(TCP_RECV_QUEUE); P(TCP_SEND_QUEUE);
    P(TCPI_OPT_TIMESTAMPS); P(TCPI_OPT_SACK); P(TCPI_OPT_WSCALE);
    P(SIOCINQ); P(SIOCOUTQ);
    S(tcp_repair_window); S(tcp_repair_opt);
    O(tcp_repair_window, snd_wl1); O(tcp_repair_window, snd_wnd); O(tcp_repair_window, max_window);
    O(tcp_repair_window, rcv_wnd); O(tcp_repair_window, rcv_wup);
    O(tcp_info, tcpi_state); O(tcp_info, tcpi_options); O(tcp_info, tcpi_rto); O(tcp_info, tcpi_rtt);
    O(tcp_info, tcpi_bytes_acked); O(tcp_info, tcpi_bytes_received); O(tcp_info, tcpi_bytes_sent);
    O(tcp_info, tcpi_snd_wnd);

    /* The wscale bit-fields share one byte: which nibble is which? */
    struct tcp_info ti = {0};
    ti.tcpi_snd_wscale = 3;
    ti.tcpi_rcv_wscale = 5;
    printf("wscale_byte_offset %zu\n", offsetof(struct tcp_info, tcpi_options) + 1);
    printf("wscale_byte %u\n", ((unsigned char *)&ti)[offsetof(struct tcp_info, tcpi_options) + 1]);
}
