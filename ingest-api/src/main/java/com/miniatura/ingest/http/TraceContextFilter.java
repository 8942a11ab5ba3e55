package com.miniatura.ingest.http;

import com.miniatura.common.event.TraceParent;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Continues the caller's W3C trace ({@code traceparent} header) or starts one, for the request's log lines
 * ({@code traceId} in the MDC), the events it publishes (a {@code traceparent} Kafka header, see
 * {@link com.miniatura.ingest.publish.EventPublisher}) and the response, so a seller's upload can be followed from
 * the marketplace's request into the worker's logs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10) // before the auth filter, so a refusal's log line carries the traceId
class TraceContextFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String traceparent =
                TraceParent.valid(request.getHeader(TraceParent.HEADER)).orElseGet(TraceParent::create);
        MDC.put(TraceParent.MDC_TRACEPARENT, traceparent);
        MDC.put(TraceParent.MDC_TRACE_ID, TraceParent.traceId(traceparent));
        response.setHeader(TraceParent.HEADER, traceparent);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(TraceParent.MDC_TRACEPARENT);
            MDC.remove(TraceParent.MDC_TRACE_ID);
            MDC.remove(TraceParent.MDC_IMAGE_ID);
        }
    }
}
