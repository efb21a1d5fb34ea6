# okr-es: one image for the API (okr-es serve) and the read-model worker (okr-es project).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt . && useradd --create-home okr
USER okr
ENV OKR_ES_DATA_DIR=/home/okr/var
EXPOSE 8000
CMD ["okr-es", "serve", "--host", "0.0.0.0", "--port", "8000"]
