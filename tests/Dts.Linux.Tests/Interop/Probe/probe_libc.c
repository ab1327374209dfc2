/* C library side of KernelHeaderTests: constants from glibc headers, printed under the C# names. */
#define _GNU_SOURCE
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define P(name) printf("%s %lld\n", #name, (long long)(name))
#define PN(csname, name) printf("%s %lld\n", csname, (long long)(name))

void probe_linux(void);
void probe_netfilter(void);

int main(void)
{
    P(EPERM); P(ENOENT); P(ESRCH); P(EINTR); P(EAGAIN); P(EINVAL); P(ENOBUFS); P(ETIMEDOUT);
    P(AF_INET); P(AF_INET6); P(AF_NETLINK); P(SOL_NETLINK); P(SOCK_STREAM); P(SOCK_CLOEXEC); P(IPPROTO_TCP); P(SOL_SOCKET);
    P(SOCK_RAW); P(IPPROTO_IP); P(IPPROTO_IPV6); P(IPPROTO_RAW); P(IP_HDRINCL); P(IPV6_HDRINCL); P(SO_RCVTIMEO);
    P(SO_REUSEADDR); P(SO_SNDBUF); P(SO_RCVBUF); P(SO_SNDBUFFORCE); P(SO_RCVBUFFORCE); P(SO_PEEK_OFF); P(MSG_PEEK); P(MSG_DONTWAIT);
    P(F_DUPFD_CLOEXEC); P(O_RDONLY); P(O_CLOEXEC); P(CLONE_NEWNET); P(SIGKILL); P(SIGTERM);
    PN("TCPOPT_MSS", TCPOPT_MAXSEG); PN("TCPOPT_WINDOW", TCPOPT_WINDOW);
    PN("TCPOPT_SACK_PERM", TCPOPT_SACK_PERMITTED); PN("TCPOPT_TIMESTAMP", TCPOPT_TIMESTAMP);
    P(TCP_ESTABLISHED);
    printf("sizeof(sockaddr_in) %zu\n", sizeof(struct sockaddr_in));
    printf("sizeof(sockaddr_in6) %zu\n", sizeof(struct sockaddr_in6));
    printf("sizeof(timeval) %zu\n", sizeof(struct timeval));
    probe_linux();
    probe_netfilter();
    return 0;
}
