package com.miniatura.ingest.auth;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.catalina.core.ApplicationPart;
import org.apache.tomcat.util.http.fileupload.FileItem;
import org.apache.tomcat.util.http.fileupload.FileUpload;
import org.apache.tomcat.util.http.fileupload.FileUploadException;
import org.apache.tomcat.util.http.fileupload.UploadContext;
import org.apache.tomcat.util.http.fileupload.disk.DiskFileItemFactory;

/**
 * A request whose body was already read to verify its signature ({@link SpooledBody}): it serves those bytes
 * again, and for {@code multipart/form-data} parses its parts (and form fields) from them, because the servlet
 * container would parse parts from the connection, which is now empty. Parts larger than a few KiB are written to
 * temporary files, as the container writes them; {@link #close()} deletes them and the spooled body.
 */
final class SignedRequest extends HttpServletRequestWrapper implements Closeable {
    /** Form fields and parts up to this size stay in memory; larger parts go to a temporary file. */
    private static final int IN_MEMORY = 16 * 1024;
    /** A form field (imageId, lotId) larger than this is refused: no field of this API comes near. */
    static final int MAX_FIELD_BYTES = 16 * 1024;
    /** Parts in one body: the upload has a file and two fields. */
    static final int MAX_PARTS = 10;

    private final SpooledBody body;
    private List<Part> parts;
    private Map<String, String[]> parameters;

    SignedRequest(HttpServletRequest request, SpooledBody body) {
        super(request);
        this.body = body;
    }

    private boolean multipart() {
        String type = getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        InputStream in = body.open();
        return new ServletInputStream() {
            private boolean finished;

            @Override
            public int read() throws IOException {
                int b = in.read();
                finished = b < 0;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                finished = n < 0;
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }

            @Override
            public boolean isFinished() {
                return finished;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body was already read");
            }
        };
    }

    @Override
    public BufferedReader getReader() throws IOException {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(body.open(), charset));
    }

    @Override
    public int getContentLength() {
        return body.length() > Integer.MAX_VALUE ? -1 : (int) body.length();
    }

    @Override
    public long getContentLengthLong() {
        return body.length();
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
        return getParts().stream()
                .filter(p -> p.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private List<Part> parse() throws IOException, ServletException {
        File location = new File(System.getProperty("java.io.tmpdir"));
        FileUpload upload = new FileUpload();
        upload.setFileItemFactory(new DiskFileItemFactory(IN_MEMORY, location));
        upload.setFileCountMax(MAX_PARTS);
        List<FileItem> items;
        try {
            items = upload.parseRequest(new UploadContext() {
                @Override
                public String getCharacterEncoding() {
                    return SignedRequest.this.getCharacterEncoding();
                }

                @Override
                public String getContentType() {
                    return SignedRequest.this.getContentType();
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    return body.open();
                }

                @Override
                public long contentLength() {
                    return body.length();
                }
            });
        } catch (FileUploadException e) {
            throw new ServletException("the multipart body cannot be parsed: " + e.getMessage(), e);
        }
        List<Part> parsed = new ArrayList<>();
        for (FileItem item : items) {
            parsed.add(new ApplicationPart(item, location));
        }
        for (FileItem item : items) {
            if (item.isFormField() && item.getSize() > MAX_FIELD_BYTES) {
                for (FileItem each : items) {
                    each.delete();
                }
                throw new ServletException(
                        "the form field " + item.getFieldName() + " is larger than " + MAX_FIELD_BYTES + " bytes");
            }
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
                                    .add(((ApplicationPart) part).getString(StandardCharsets.UTF_8.name()));
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

    /** Deletes the parts' temporary files and the spooled body. */
    @Override
    public void close() throws IOException {
        try {
            if (parts != null) {
                for (Part part : parts) {
                    part.delete();
                }
            }
        } finally {
            body.close();
        }
    }
}
