package com.miniatura.ingest.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets a write in only with valid credentials holding the scope it needs, within its key's rate: every
 * {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE}, whatever the path, so an endpoint added later is
 * closed by default. Reads pass untouched. Refusals are problem+json naming the header at fault; neither keys
 * nor signatures are ever logged or echoed.
 *
 * <p>A signed request's body is read here, bounded, to verify the MAC, and handed on as a {@link SignedRequest}
 * that serves the same bytes (multipart included) to the controllers.
 */
public final class AuthFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(AuthFilter.class);
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The MDC key naming the authenticated key on the request's log lines. */
    public static final String MDC_KEY = "apiKey";

    private final Authenticator authenticator;
    private final RateLimiter limiter = new RateLimiter(System::nanoTime);
    private final long maxSignedBodyBytes;

    /** @param maxSignedBodyBytes the largest body read to verify a signature (an upload plus its multipart framing) */
    public AuthFilter(Authenticator authenticator, long maxSignedBodyBytes) {
        this.authenticator = authenticator;
        this.maxSignedBodyBytes = maxSignedBodyBytes;
    }

    /** The scope a write needs. */
    static Scope scopeOf(String method, String path) {
        if (path.startsWith("/v1/notifications/")) {
            return Scope.NOTIFY;
        }
        return method.equals("DELETE") ? Scope.DELETE : Scope.UPLOAD;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String method = request.getMethod();
        if (SAFE.contains(method)) {
            chain.doFilter(request, response);
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        HttpServletRequest forward = request;
        Principal principal;
        try {
            String authorization = request.getHeader(Authenticator.AUTHORIZATION);
            String signature = request.getHeader(Authenticator.SIGNATURE);
            String field;
            if (authorization != null) {
                principal = authenticator.bearer(authorization);
                field = Authenticator.AUTHORIZATION;
            } else if (signature != null) {
                Authenticator.PendingSignature pending = authenticator.signatureHeaders(
                        request.getHeader(Authenticator.KEY_ID), request.getHeader(Authenticator.TIMESTAMP), signature);
                byte[] body = readBody(request);
                if (body == null) {
                    writeProblem(request, response, 413, "Request too large", "body",
                            "is larger than the " + maxSignedBodyBytes + " bytes a signed request may carry", 0);
                    return;
                }
                String target = request.getQueryString() == null
                        ? request.getRequestURI() : request.getRequestURI() + "?" + request.getQueryString();
                principal = authenticator.verify(pending, method, target, body);
                forward = new SignedRequest(request, body);
                field = Authenticator.KEY_ID;
            } else {
                throw Refusal.unauthenticated(Authenticator.AUTHORIZATION, "is required: send \"Bearer <API key>\" "
                        + "or sign the request (" + Authenticator.SIGNATURE + ", " + Authenticator.KEY_ID + ", "
                        + Authenticator.TIMESTAMP + ")");
            }
            Authenticator.authorize(principal, scopeOf(method, path), field);
            long wait = limiter.acquire(principal);
            if (wait > 0) {
                throw Refusal.tooManyRequests("the key \"" + principal.name() + "\" sent more than "
                        + principal.rateLimit().burst() + " requests at once or "
                        + principal.rateLimit().requestsPerSecond() + " per second; retry in " + wait + " s", wait);
            }
        } catch (Refusal refusal) {
            // The header's name and the rule it broke; never its value.
            log.warn("Refused {} {} from {}: {} {}", method, path, request.getRemoteAddr(), refusal.status(),
                    refusal.field() == null ? refusal.getMessage() : refusal.field() + " " + refusal.getMessage());
            writeProblem(request, response, refusal.status(), refusal.title(), refusal.field(), refusal.getMessage(),
                    refusal.retryAfterSeconds());
            return;
        }
        forward.setAttribute(Principal.ATTRIBUTE, principal);
        MDC.put(MDC_KEY, principal.name());
        try {
            chain.doFilter(forward, response);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** The whole body, or null when it is larger than the limit. */
    private byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxSignedBodyBytes) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, (int) Math.min(
                request.getContentLengthLong(), maxSignedBodyBytes)));
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = request.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (out.size() + n > maxSignedBodyBytes) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** RFC 9457, shaped like {@code ProblemHandler}'s: {@code errors: [{field, message}]} names the header. */
    static void writeProblem(HttpServletRequest request, HttpServletResponse response, int status, String title,
            String field, String message, long retryAfterSeconds) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", field == null ? message : field + ": " + message);
        body.put("instance", request.getRequestURI());
        if (field != null) {
            body.put("errors", List.of(Map.of("field", field, "message", message)));
        }
        response.setStatus(status);
        response.setContentType("application/problem+json");
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"miniatura\"");
        }
        if (retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }
}
