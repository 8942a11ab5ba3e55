package com.miniatura.ingest.auth;

import io.micrometer.core.instrument.Counter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets a write in only with valid credentials holding the scope its handler requires, within its key's rate, with
 * a body no larger than its handler reads. Every {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE} is a
 * write, and one that reaches no handler of ours carrying {@link RequiresScope} is refused, so an endpoint added
 * later is closed by default. Reads pass, once their path is one this service takes ({@link PathRules}).
 *
 * <p>The handler is the one Spring MVC will dispatch to ({@link Routes}), found before the body is read, so both its
 * scope and its body limit are known up front: a bearer key is checked before a byte of the body is read; a
 * signature's headers are, then its body is read up to the route's limit (to a temporary file for an upload) while
 * its SHA-256 is computed, and only then is the MAC compared. Bodies being read for a signature not yet verified,
 * and uploads, are limited in number ({@link Limits}); beyond, {@code 503} with {@code Retry-After}.
 *
 * <p>Every {@code 401} counts against the client's address ({@link FailedAuthentications}); an address that has
 * used up its failures has its writes refused with {@code 429} and {@code Retry-After} before their credentials are
 * checked or a byte of their body is read, logged once a window.
 *
 * <p>Refusals are problem+json naming the header or part at fault; neither keys nor signatures are ever logged or
 * echoed.
 */
public final class AuthFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(AuthFilter.class);
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The MDC key naming the authenticated key on the request's log lines. */
    public static final String MDC_KEY = "apiKey";
    /** The most a small JSON body may be ({@link BodyLimit#JSON}). */
    public static final long JSON_BYTES = 64 * 1024;
    /** Room for an upload's multipart framing (boundaries, part headers, form fields) past the file itself. */
    public static final long MULTIPART_FRAMING_BYTES = 64 * 1024;

    /**
     * How much a write may cost before and after it is verified.
     *
     * @param jsonBytes         the body of a {@link BodyLimit#JSON} route
     * @param batchBytes        the body of a {@link BodyLimit#BATCH} route
     * @param uploadBytes       the body of a {@link BodyLimit#UPLOAD} route, framing included
     * @param uploadFileBytes   the file in it ({@code max-upload-size}), which a refusal names
     * @param uploads           {@link BodyLimit#UPLOAD} requests in flight at once
     * @param unverifiedBodies  signed requests whose body is being read before their signature is checked
     * @param retryAfterSeconds {@code Retry-After} when either is full
     */
    public record Limits(
            long jsonBytes,
            long batchBytes,
            long uploadBytes,
            long uploadFileBytes,
            int uploads,
            int unverifiedBodies,
            long retryAfterSeconds) {
        long of(BodyLimit body) {
            return switch (body) {
                case NONE -> 0;
                case JSON -> jsonBytes;
                case BATCH -> batchBytes;
                case UPLOAD -> uploadBytes;
            };
        }

        /** The refusal of a body past {@code body}'s limit. */
        Refusal tooLarge(BodyLimit body) {
            return body == BodyLimit.UPLOAD ? Refusal.uploadTooLarge(uploadFileBytes) : Refusal.tooLarge(of(body));
        }
    }

    private final Authenticator authenticator;
    private final Supplier<Routes> routes;
    private final Limits limits;
    private final Semaphore uploads;
    private final Semaphore unverified;
    private final RateLimiter limiter = new RateLimiter(System::nanoTime);
    private final FailedAuthentications failures;
    private final Counter blocked;

    /**
     * @param routes   the write routes, asked for on each write (they exist once the dispatcher's mapping does)
     * @param failures the failed authentications of each client address
     * @param blocked  counts the writes refused because their address failed too often
     */
    public AuthFilter(
            Authenticator authenticator,
            Supplier<Routes> routes,
            Limits limits,
            FailedAuthentications failures,
            Counter blocked) {
        this.authenticator = authenticator;
        this.routes = routes;
        this.limits = limits;
        this.failures = failures;
        this.blocked = blocked;
        this.uploads = new Semaphore(limits.uploads());
        this.unverified = new Semaphore(limits.unverifiedBodies());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String method = request.getMethod();
        String path = request.getRequestURI();
        Semaphore heldUpload = null;
        SignedRequest signed = null;
        RequiresScope requires = null;
        String address = null;
        try {
            HttpServletRequest forward;
            Principal principal;
            try {
                String pathProblem = PathRules.problem(path);
                if (pathProblem != null) {
                    throw Refusal.invalidPath(pathProblem);
                }
                if (SAFE.contains(method)) {
                    chain.doFilter(request, response);
                    return;
                }
                Routes.Match match = routes.get().find(request);
                if (match.requires() == null) {
                    throw match.allowed().isEmpty()
                            ? Refusal.notFound(method)
                            : Refusal.methodNotAllowed(method, String.join(", ", match.allowed()));
                }
                requires = match.requires();
                address = request.getRemoteAddr();
                FailedAuthentications.Blocked block = failures.check(address);
                if (block != null) {
                    refuseBlocked(request, response, block);
                    return;
                }
                boolean upload = requires.body() == BodyLimit.UPLOAD;
                long limit = limits.of(requires.body());
                if (request.getContentLengthLong() > limit) {
                    throw limits.tooLarge(requires.body());
                }
                String authorization = request.getHeader(Authenticator.AUTHORIZATION);
                String signature = request.getHeader(Authenticator.SIGNATURE);
                String field;
                if (authorization != null) {
                    principal = authenticator.bearer(authorization);
                    field = Authenticator.AUTHORIZATION;
                    admit(principal, requires.value(), field);
                    if (upload) {
                        heldUpload = acquire(uploads, "uploads");
                    }
                    forward = new CappedRequest(request, limit);
                } else if (signature != null) {
                    Authenticator.PendingSignature pending = authenticator.signatureHeaders(
                            request.getHeader(Authenticator.KEY_ID),
                            request.getHeader(Authenticator.TIMESTAMP),
                            signature);
                    if (upload) {
                        heldUpload = acquire(uploads, "uploads");
                    }
                    SpooledBody body = readUnverified(request, limit, upload);
                    signed = new SignedRequest(request, body);
                    String target = request.getQueryString() == null ? path : path + "?" + request.getQueryString();
                    principal = authenticator.verify(pending, method, target, body.sha256());
                    field = Authenticator.KEY_ID;
                    admit(principal, requires.value(), field);
                    forward = signed;
                } else {
                    throw Refusal.unauthenticated(
                            Authenticator.AUTHORIZATION,
                            "is required: send \"Bearer <API key>\" "
                                    + "or sign the request (" + Authenticator.SIGNATURE + ", " + Authenticator.KEY_ID
                                    + ", "
                                    + Authenticator.TIMESTAMP + ")");
                }
            } catch (BodyTooLargeException e) {
                refuse(request, response, limits.tooLarge(requires.body()));
                return;
            } catch (Refusal refusal) {
                if (refusal.status() == 401 && address != null) {
                    failures.failed(address);
                }
                refuse(request, response, refusal);
                return;
            }
            forward.setAttribute(Principal.ATTRIBUTE, principal);
            MDC.put(MDC_KEY, principal.name());
            try {
                chain.doFilter(forward, response);
            } finally {
                MDC.remove(MDC_KEY);
            }
        } finally {
            if (heldUpload != null) {
                heldUpload.release();
            }
            if (signed != null) {
                signed.close();
            }
        }
    }

    /**
     * Uploads holding one of the {@code uploads} places now. A place is given back once the filter returns, which
     * may be a moment after the client has read its answer.
     */
    public int uploadsInProgress() {
        return limits.uploads() - uploads.availablePermits();
    }

    /** Signed bodies being read before their signature is checked, now. */
    public int unverifiedBodiesInProgress() {
        return limits.unverifiedBodies() - unverified.availablePermits();
    }

    /** The scope, then the key's rate. */
    private void admit(Principal principal, Scope needed, String field) {
        Authenticator.authorize(principal, needed, field);
        long wait = limiter.acquire(principal);
        if (wait > 0) {
            throw Refusal.tooManyRequests(
                    "the key \"" + principal.name() + "\" sent more than "
                            + principal.rateLimit().burst() + " requests at once or "
                            + principal.rateLimit().requestsPerSecond() + " per second; retry in " + wait + " s",
                    wait);
        }
    }

    /** Reads a body whose signature is not checked yet, as one of at most {@code unverifiedBodies} at once. */
    private SpooledBody readUnverified(HttpServletRequest request, long limit, boolean toDisk) throws IOException {
        Semaphore permit = acquire(unverified, "signed requests being verified");
        try {
            return SpooledBody.read(request.getInputStream(), limit, toDisk);
        } finally {
            permit.release();
        }
    }

    private Semaphore acquire(Semaphore semaphore, String what) {
        if (!semaphore.tryAcquire()) {
            int most = semaphore == uploads ? limits.uploads() : limits.unverifiedBodies();
            throw Refusal.busy(
                    most + " " + what + " are in progress, the most this instance takes at once; retry in "
                            + limits.retryAfterSeconds() + " s",
                    limits.retryAfterSeconds());
        }
        return semaphore;
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, Refusal refusal)
            throws IOException {
        // The header's name and the rule it broke; never its value.
        log.warn(
                "Refused {} {} from {}: {} {}",
                request.getMethod(),
                request.getRequestURI(),
                request.getRemoteAddr(),
                refusal.status(),
                refusal.field() == null ? refusal.getMessage() : refusal.field() + " " + refusal.getMessage());
        answer(request, response, refusal);
    }

    /** Logged once a window, not once a request: a blocked address may send many. */
    private void refuseBlocked(
            HttpServletRequest request, HttpServletResponse response, FailedAuthentications.Blocked block)
            throws IOException {
        AuthSettings.FailureLimit limit = failures.limit();
        blocked.increment();
        if (block.announce()) {
            log.warn(
                    "Blocking writes from {}: it failed authentication {} times within {} s; they are refused with "
                            + "429 before their credentials are checked until the window frees a slot, in {} s now "
                            + "(miniatura.ingest.auth.failures)",
                    block.address(),
                    limit.perAddress(),
                    limit.window().toSeconds(),
                    block.retryAfterSeconds());
        } else {
            log.debug(
                    "Refused {} {} from {}: 429 too many failed authentications",
                    request.getMethod(),
                    request.getRequestURI(),
                    block.address());
        }
        answer(
                request,
                response,
                Refusal.tooManyFailures(limit.perAddress(), limit.window().toSeconds(), block.retryAfterSeconds()));
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response, Refusal refusal)
            throws IOException {
        refusal.headers().forEach(response::setHeader);
        writeProblem(
                request,
                response,
                refusal.status(),
                refusal.title(),
                refusal.field(),
                refusal.getMessage(),
                refusal.retryAfterSeconds());
    }

    /** RFC 9457, shaped like {@code ProblemHandler}'s: {@code errors: [{field, message}]} names the header. */
    static void writeProblem(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String title,
            String field,
            String message,
            long retryAfterSeconds)
            throws IOException {
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
