/* internal.c: the server's internal protocols (HTTP files, the listener, STUN, signals)
 * share the vhost with the signaling protocol, and a WebSocket client may name any of them
 * as its subprotocol: each refuses in its own filter callback. The raw-descriptor ones
 * (listener, STUN, signals) share one callback body too. */
#include "server.h"

int mc_refuse_internal(struct lws *wsi)
{
    mc_server *srv = lws_context_user(lws_get_context(wsi));

    srv->counters.ws_rejected_protocol++;
    mc_server_log(srv, MC_LOG_INFO, "refused a WebSocket asking for an internal subprotocol");
    return 1;
}

int mc_raw_descriptor_event(struct lws *wsi, enum lws_callback_reasons reason,
                            void (*readable)(mc_server *srv, int fd),
                            void (*closed)(mc_server *srv))
{
    mc_server *srv = lws_context_user(lws_get_context(wsi));

    if (reason == LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION)
        return mc_refuse_internal(wsi);
    if (reason == LWS_CALLBACK_RAW_RX_FILE)
        readable(srv, lws_get_socket_fd(wsi));
    else if (reason == LWS_CALLBACK_RAW_CLOSE_FILE && closed != NULL)
        closed(srv);
    return 0;
}
