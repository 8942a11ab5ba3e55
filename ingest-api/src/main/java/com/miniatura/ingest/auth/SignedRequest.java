package com.miniatura.ingest.auth;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.tomcat.util.http.fileupload.FileItemHeaders;
import org.apache.tomcat.util.http.fileupload.FileItemIterator;
import org.apache.tomcat.util.http.fileupload.FileItemStream;
import org.apache.tomcat.util.http.fileupload.FileUpload;
import org.apache.tomcat.util.http.fileupload.FileUploadException;
import org.apache.tomcat.util.http.fileupload.UploadContext;

/**
 * A request whose body was already read to verify its signature: it serves those bytes again, and for
 * {@code multipart/form-data} parses its parts (and form fields) from them, because the servlet container would
 * parse parts from the connection, which is now empty.
 */
final class SignedRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private List<Part> parts;
    private Map<String, String[]> parameters;

    SignedRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    private boolean multipart() {
        String type = getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body is already in memory");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public Collection<Part> getParts() throws IOException, ServletException {
        if (!multipart()) {
            throw new ServletException("not a multipart/form-data request");
        }
        if (parts == null) {
            parts = parse();
        }
        return parts;
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        return getParts().stream().filter(p -> p.getName().equals(name)).findFirst().orElse(null);
    }

    private List<Part> parse() throws IOException, ServletException {
        List<Part> parsed = new ArrayList<>();
        try {
            FileItemIterator items = new FileUpload().getItemIterator(new UploadContext() {
                @Override
                public String getCharacterEncoding() {
                    return SignedRequest.this.getCharacterEncoding();
                }

                @Override
                public String getContentType() {
                    return SignedRequest.this.getContentType();
                }

                @Override
                public InputStream getInputStream() {
                    return new ByteArrayInputStream(body);
                }

                @Override
                public long contentLength() {
                    return body.length;
                }
            });
            while (items.hasNext()) {
                FileItemStream item = items.next();
                byte[] content;
                try (InputStream in = item.openStream()) {
                    content = in.readAllBytes();
                }
                parsed.add(new MemoryPart(item.getFieldName(), item.getName(), item.getContentType(),
                        item.getHeaders(), content));
            }
        } catch (FileUploadException e) {
            throw new ServletException("the multipart body cannot be parsed: " + e.getMessage(), e);
        }
        return parsed;
    }

    @Override
    public String getParameter(String name) {
        String[] values = getParameterMap().get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        return getParameterMap().get(name);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }

    /**
     * The query's parameters, then a multipart body's form fields (those without a file name). Read here rather
     * than from the container, which would look for them in the consumed connection.
     */
    @Override
    public Map<String, String[]> getParameterMap() {
        if (parameters == null) {
            Map<String, List<String>> values = new LinkedHashMap<>();
            String query = getQueryString();
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
                }
            }
            if (multipart()) {
                try {
                    for (Part part : getParts()) {
                        if (part.getSubmittedFileName() == null) {
                            values.computeIfAbsent(part.getName(), n -> new ArrayList<>())
                                    .add(new String(((MemoryPart) part).content, StandardCharsets.UTF_8));
                        }
                    }
                } catch (IOException | ServletException e) {
                    // unparsable: no form fields; the controller's multipart handling reports it
                }
            }
            Map<String, String[]> map = new LinkedHashMap<>();
            values.forEach((k, v) -> map.put(k, v.toArray(String[]::new)));
            parameters = Collections.unmodifiableMap(map);
        }
        return parameters;
    }

    /** One part of a multipart body, held in memory (the whole body already is). */
    private static final class MemoryPart implements Part {
        private final String name;
        private final String fileName;
        private final String contentType;
        private final FileItemHeaders headers;
        private final byte[] content;

        MemoryPart(String name, String fileName, String contentType, FileItemHeaders headers, byte[] content) {
            this.name = name;
            this.fileName = fileName;
            this.contentType = contentType;
            this.headers = headers;
            this.content = content;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(content);
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getSubmittedFileName() {
            return fileName;
        }

        @Override
        public long getSize() {
            return content.length;
        }

        @Override
        public void write(String fileName) throws IOException {
            Files.write(java.nio.file.Path.of(fileName), content);
        }

        @Override
        public void delete() {
            // nothing on disk
        }

        @Override
        public String getHeader(String name) {
            return headers == null ? null : headers.getHeader(name);
        }

        @Override
        public Collection<String> getHeaders(String name) {
            List<String> values = new ArrayList<>();
            if (headers != null) {
                headers.getHeaders(name).forEachRemaining(values::add);
            }
            return values;
        }

        @Override
        public Collection<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            if (headers != null) {
                Iterator<String> it = headers.getHeaderNames();
                it.forEachRemaining(names::add);
            }
            return names;
        }
    }
}
