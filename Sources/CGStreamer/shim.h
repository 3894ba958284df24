#ifndef SCENECAST_CGSTREAMER_SHIM_H
#define SCENECAST_CGSTREAMER_SHIM_H

/* GStreamer (core, app, video, sdp, webrtc) for the Streamer module.
 *
 * Swift imports the plain functions directly. The shims below cover only what it cannot
 * import: GObject's variadic setters and signal emission, g_signal_connect (a macro) and a
 * few GST_* macros. Every shim is a prefixed static inline function. */
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <gst/sdp/sdp.h>
#include <gst/rtp/rtp.h>
#define GST_USE_UNSTABLE_API 1
#include <gst/webrtc/webrtc.h>

/* --- properties (g_object_set is variadic) --- */
static inline void scenecast_set_int(gpointer object, const char *name, gint value) {
    g_object_set(object, name, value, NULL);
}
static inline void scenecast_set_uint(gpointer object, const char *name, guint value) {
    g_object_set(object, name, value, NULL);
}
static inline void scenecast_set_int64(gpointer object, const char *name, gint64 value) {
    g_object_set(object, name, value, NULL);
}
static inline void scenecast_set_uint64(gpointer object, const char *name, guint64 value) {
    g_object_set(object, name, value, NULL);
}
static inline void scenecast_set_bool(gpointer object, const char *name, gboolean value) {
    g_object_set(object, name, value, NULL);
}
static inline void scenecast_set_string(gpointer object, const char *name, const char *value) {
    g_object_set(object, name, value, NULL);
}
static inline void scenecast_set_pointer(gpointer object, const char *name, gpointer value) {
    g_object_set(object, name, value, NULL);
}
/* Enum and flag properties from their nick ("max-bundle", "downstream"). */
static inline void scenecast_set_from_string(gpointer object, const char *name, const char *value) {
    gst_util_set_object_arg(G_OBJECT(object), name, value);
}
/* An object-valued property (the caller owns the returned reference). */
static inline gpointer scenecast_get_object(gpointer object, const char *name) {
    gpointer value = NULL;
    g_object_get(object, name, &value, NULL);
    return value;
}
/* A string property (the caller frees the result with g_free). */
static inline gchar *scenecast_get_string(gpointer object, const char *name) {
    gchar *value = NULL;
    g_object_get(object, name, &value, NULL);
    return value;
}
/* An enum, int or boolean (gboolean) property. */
static inline gint scenecast_get_enum(gpointer object, const char *name) {
    gint value = 0;
    g_object_get(object, name, &value, NULL);
    return value;
}
static inline gboolean scenecast_has_property(gpointer object, const char *name) {
    return g_object_class_find_property(G_OBJECT_GET_CLASS(object), name) != NULL;
}

/* --- signals --- */
static inline gulong scenecast_signal_connect(gpointer instance, const char *signal, GCallback handler,
                                              gpointer data, GClosureNotify destroy) {
    return g_signal_connect_data(instance, signal, handler, data, destroy, (GConnectFlags)0);
}
/* webrtcbin "create-offer" / "create-answer" (options may be NULL). */
static inline void scenecast_emit_create_offer(GstElement *webrtc, GstPromise *promise) {
    g_signal_emit_by_name(webrtc, "create-offer", NULL, promise);
}
static inline void scenecast_emit_create_answer(GstElement *webrtc, GstPromise *promise) {
    g_signal_emit_by_name(webrtc, "create-answer", NULL, promise);
}
/* webrtcbin "set-local-description" / "set-remote-description". */
static inline void scenecast_emit_set_description(GstElement *webrtc, const char *signal,
                                                  GstWebRTCSessionDescription *description, GstPromise *promise) {
    g_signal_emit_by_name(webrtc, signal, description, promise);
}
static inline void scenecast_emit_add_ice_candidate(GstElement *webrtc, guint mline, const char *candidate) {
    g_signal_emit_by_name(webrtc, "add-ice-candidate", mline, candidate);
}
/* Returns a new reference to the channel, or NULL. */
static inline GstWebRTCDataChannel *scenecast_emit_create_data_channel(GstElement *webrtc, const char *label,
                                                                       GstStructure *options) {
    GstWebRTCDataChannel *channel = NULL;
    g_signal_emit_by_name(webrtc, "create-data-channel", label, options, &channel);
    return channel;
}
/* The ICE agent's "add-local-ip-address": restricts host candidates to the addresses given. */
static inline gboolean scenecast_emit_add_local_ip_address(gpointer ice, const char *address) {
    gboolean ok = FALSE;
    g_signal_emit_by_name(ice, "add-local-ip-address", address, &ok);
    return ok;
}
static inline gboolean scenecast_emit_add_turn_server(GstElement *webrtc, const char *uri) {
    gboolean ok = FALSE;
    g_signal_emit_by_name(webrtc, "add-turn-server", uri, &ok);
    return ok;
}
static inline void scenecast_emit_get_stats(GstElement *webrtc, GstPromise *promise) {
    g_signal_emit_by_name(webrtc, "get-stats", NULL, promise);
}

/* --- macros --- */
static inline void scenecast_buffer_set_pts(GstBuffer *buffer, guint64 pts, guint64 duration) {
    GST_BUFFER_PTS(buffer) = pts;
    GST_BUFFER_DTS(buffer) = pts;
    GST_BUFFER_DURATION(buffer) = duration;
}
static inline gboolean scenecast_buffer_is_delta(GstBuffer *buffer) {
    return GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
}
static inline GstBuffer *scenecast_probe_buffer(GstPadProbeInfo *info) {
    return GST_PAD_PROBE_INFO_BUFFER(info);
}
static inline GstEvent *scenecast_probe_event(GstPadProbeInfo *info) {
    return GST_PAD_PROBE_INFO_EVENT(info);
}
static inline GstMessageType scenecast_message_type(GstMessage *message) {
    return GST_MESSAGE_TYPE(message);
}
static inline const char *scenecast_message_source_name(GstMessage *message) {
    return GST_MESSAGE_SRC_NAME(message);
}
static inline GstObject *scenecast_message_source(GstMessage *message) {
    return GST_MESSAGE_SRC(message);
}
static inline GstElement *scenecast_as_element(gpointer object) {
    return GST_ELEMENT(object);
}
/* The structure a GValue holds, or NULL when it holds something else (G_VALUE_HOLDS). */
static inline const GstStructure *scenecast_value_structure(const GValue *value) {
    return G_VALUE_HOLDS(value, GST_TYPE_STRUCTURE) ? gst_value_get_structure(value) : NULL;
}
/* The buffer's PTS (GST_CLOCK_TIME_NONE when unset). */
static inline guint64 scenecast_buffer_pts(GstBuffer *buffer) { return GST_BUFFER_PTS(buffer); }
/* Moves the buffer's PTS and DTS (where set) back by `offset`, clamping at zero. */
static inline void scenecast_buffer_rebase(GstBuffer *buffer, guint64 offset) {
    if (GST_BUFFER_PTS_IS_VALID(buffer)) GST_BUFFER_PTS(buffer) = GST_BUFFER_PTS(buffer) > offset ? GST_BUFFER_PTS(buffer) - offset : 0;
    if (GST_BUFFER_DTS_IS_VALID(buffer)) GST_BUFFER_DTS(buffer) = GST_BUFFER_DTS(buffer) > offset ? GST_BUFFER_DTS(buffer) - offset : 0;
}
/* The probe's buffer, made writable in place (gst_buffer_make_writable and
 * GST_PAD_PROBE_INFO_DATA are macros); NULL when the probe carries no buffer. */
static inline GstBuffer *scenecast_probe_writable_buffer(GstPadProbeInfo *info) {
    if (!(GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER)) return NULL;
    GstBuffer *buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buffer;
    return buffer;
}
/* The probe's buffer list, made writable in place; NULL when it carries no list. */
static inline GstBufferList *scenecast_probe_writable_list(GstPadProbeInfo *info) {
    if (!(GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER_LIST)) return NULL;
    GstBufferList *list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    GST_PAD_PROBE_INFO_DATA(info) = list;
    return list;
}
static inline guint64 scenecast_clock_time_none(void) { return GST_CLOCK_TIME_NONE; }
static inline guint64 scenecast_second(void) { return GST_SECOND; }

#endif
