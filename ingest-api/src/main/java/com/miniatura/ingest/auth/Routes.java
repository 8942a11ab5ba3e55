package com.miniatura.ingest.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The write routes of this service, read from Spring MVC's own handler mapping: a request is matched the way the
 * dispatcher will match it (the same patterns, against the path parsed as the dispatcher parses it: segment by
 * segment, each decoded, path parameters set aside), so the scope and body limit applied are those of the handler
 * that will run, whatever spelling of the path reached it.
 *
 * <p>Built at startup, which fails naming every handler of ours that takes a write without a {@link RequiresScope}.
 */
public final class Routes {
    private static final Set<RequestMethod> WRITES =
            Set.of(RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE);

    /** One handler of ours: its patterns, its methods (empty: every method) and, for a write, what it requires. */
    private record Entry(List<PathPattern> patterns, Set<RequestMethod> methods, RequiresScope requires, String name) {
        /** The most specific of its patterns that matches, or null. */
        PathPattern match(PathContainer path) {
            return patterns.stream()
                    .filter(p -> p.matches(path))
                    .min(PathPattern.SPECIFICITY_COMPARATOR)
                    .orElse(null);
        }

        boolean takes(RequestMethod method) {
            return methods.isEmpty() || methods.contains(method);
        }
    }

    /**
     * What a write reaches.
     *
     * @param requires the matched handler's requirements, or null when no handler of ours takes this write
     * @param allowed  when {@code requires} is null: the methods handlers of ours take at this path (empty: no such
     *                 path)
     */
    public record Match(RequiresScope requires, Set<String> allowed) {}

    private final List<Entry> entries;

    /**
     * @param mapping     the application's {@code requestMappingHandlerMapping}
     * @param basePackage handlers in this package are ours: each write among them must carry {@link RequiresScope}
     */
    public Routes(RequestMappingHandlerMapping mapping, String basePackage) {
        List<Entry> found = new ArrayList<>();
        List<String> unguarded = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> handler :
                mapping.getHandlerMethods().entrySet()) {
            HandlerMethod method = handler.getValue();
            if (!method.getBeanType().getName().startsWith(basePackage + ".")) {
                continue; // a library's handler (the error page, the OpenAPI document): no write reaches it
            }
            RequestMappingInfo info = handler.getKey();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            RequiresScope requires = method.getMethodAnnotation(RequiresScope.class);
            boolean write = methods.isEmpty() || methods.stream().anyMatch(WRITES::contains);
            if (write && requires == null) {
                unguarded.add(method.getBeanType().getSimpleName() + "."
                        + method.getMethod().getName() + " " + info.getPatternValues());
            }
            found.add(new Entry(
                    patterns(info, mapping),
                    methods,
                    requires,
                    method.getBeanType().getSimpleName() + "."
                            + method.getMethod().getName()));
        }
        if (!unguarded.isEmpty()) {
            throw new IllegalStateException("Every write handler must say which scope it needs with @"
                    + RequiresScope.class.getSimpleName() + "; these do not: " + unguarded);
        }
        checkNoConflicts(found);
        this.entries = List.copyOf(found);
    }

    /**
     * Two write handlers on one pattern and method (told apart by, say, their Content-Type) must require the same:
     * which of them runs is decided after this filter.
     */
    private static void checkNoConflicts(List<Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                Entry a = entries.get(i);
                Entry b = entries.get(j);
                boolean samePattern = a.patterns().stream()
                        .map(PathPattern::getPatternString)
                        .anyMatch(p -> b.patterns().stream()
                                .map(PathPattern::getPatternString)
                                .anyMatch(p::equals));
                boolean sameMethod = a.methods().isEmpty()
                        || b.methods().isEmpty()
                        || a.methods().stream().anyMatch(b.methods()::contains);
                if (samePattern
                        && sameMethod
                        && a.requires() != null
                        && b.requires() != null
                        && (a.requires().value() != b.requires().value()
                                || a.requires().body() != b.requires().body())) {
                    throw new IllegalStateException(a.name() + " and " + b.name() + " take the same writes but require "
                            + "different scopes or bodies; give them one @" + RequiresScope.class.getSimpleName());
                }
            }
        }
    }

    private static List<PathPattern> patterns(RequestMappingInfo info, RequestMappingHandlerMapping mapping) {
        PathPatternsRequestCondition condition = info.getPathPatternsCondition();
        if (condition != null) {
            return List.copyOf(condition.getPatterns());
        }
        PathPatternParser parser =
                mapping.getPatternParser() != null ? mapping.getPatternParser() : PathPatternParser.defaultInstance;
        return info.getPatternValues().stream().map(parser::parse).toList();
    }

    /** The handler of ours a write goes to, parsing the path as the dispatcher does. */
    public Match find(HttpServletRequest request) {
        return find(
                request.getMethod(),
                RequestPath.parse(request.getRequestURI(), request.getContextPath())
                        .pathWithinApplication());
    }

    Match find(String method, PathContainer path) {
        RequestMethod requested = RequestMethod.resolve(method);
        Set<String> allowed = new TreeSet<>();
        RequiresScope best = null;
        PathPattern bestPattern = null;
        for (Entry entry : entries) {
            PathPattern pattern = entry.match(path);
            if (pattern == null) {
                continue;
            }
            if (requested != null && entry.takes(requested) && entry.requires() != null) {
                // as the dispatcher does: the most specific pattern wins (/v1/images/new over /v1/images/{imageId})
                if (bestPattern == null || PathPattern.SPECIFICITY_COMPARATOR.compare(pattern, bestPattern) < 0) {
                    best = entry.requires();
                    bestPattern = pattern;
                }
                continue;
            }
            if (entry.methods().isEmpty()) {
                allowed.addAll(Set.of("GET", "HEAD"));
            } else {
                allowed.addAll(entry.methods().stream().map(Enum::name).collect(Collectors.toSet()));
            }
            if (entry.methods().contains(RequestMethod.GET)) {
                allowed.add("HEAD");
            }
        }
        return best != null ? new Match(best, Set.of()) : new Match(null, allowed);
    }
}
