//! Logging to stderr and, with the cargo feature `otlp`, export of the tool-call spans over
//! OTLP/HTTP (endpoint from `OTEL_EXPORTER_OTLP_ENDPOINT`, default `http://localhost:4318`).
//! Either way each call's upstream request carries a W3C `traceparent` continuing the caller's.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::caller::Caller;

/// Flushes exported spans when dropped (at the end of `main`).
#[derive(Debug)]
pub struct Telemetry {
    #[cfg(feature = "otlp")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        #[cfg(feature = "otlp")]
        if let Some(provider) = self.provider.take() {
            let _ = provider.shutdown();
        }
    }
}

/// The filter when `RUST_LOG` is unset or not understood.
const DEFAULT_FILTER: &str = "info,rmcp=warn";

/// Logs go to stderr only: in stdio mode stdout is the protocol. `RUST_LOG` sets the filter as
/// `level` and `target=level` pairs (`info,rmcp=warn`). That is `Targets`, not `EnvFilter`: the
/// span and field directives `EnvFilter` adds cost a regex engine in every generated crate's
/// build, and a server's logs need only targets and levels.
pub fn init(service: &'static str) -> Telemetry {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let (filter, bad_env) = match from_env.as_deref().map(str::parse::<Targets>) {
        Some(Ok(filter)) => (filter, None),
        Some(Err(err)) => (DEFAULT_FILTER.parse().unwrap_or_default(), Some(err)),
        None => (DEFAULT_FILTER.parse().unwrap_or_default(), None),
    };

    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let registry = tracing_subscriber::registry().with(filter).with(stderr);
    #[cfg(feature = "otlp")]
    let telemetry = {
        use opentelemetry::trace::TracerProvider as _;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .build();
        match exporter {
            Ok(exporter) => {
                let resource = opentelemetry_sdk::Resource::builder()
                    .with_service_name(service)
                    .build();
                let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
                    .with_batch_exporter(exporter)
                    .with_resource(resource)
                    .build();
                let tracer = provider.tracer(service);
                let _ = registry
                    .with(tracing_opentelemetry::layer().with_tracer(tracer))
                    .try_init();
                Telemetry {
                    provider: Some(provider),
                }
            }
            Err(err) => {
                let _ = registry.try_init();
                tracing::warn!(error = %err, "OTLP export is off: the exporter could not be built");
                Telemetry { provider: None }
            }
        }
    };
    #[cfg(not(feature = "otlp"))]
    let telemetry = {
        let _ = service;
        let _ = registry.try_init();
        Telemetry {}
    };
    if let Some(err) = bad_env {
        tracing::warn!(error = %err, default = DEFAULT_FILTER, "RUST_LOG is not a list of `level` or `target=level`; using the default");
    }
    telemetry
}

/// Ties `span` to the caller's trace and returns the upstream `traceparent` and the trace id.
pub fn link(span: &tracing::Span, caller: &Caller) -> (String, String) {
    #[cfg(feature = "otlp")]
    {
        use opentelemetry::trace::{
            SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState,
        };
        use tracing_opentelemetry::OpenTelemetrySpanExt;
        if let Some(parent) = caller.traceparent.as_deref() {
            let parts: Vec<&str> = parent.split('-').collect();
            if let (Some(trace), Some(span_id)) = (parts.get(1), parts.get(2)) {
                if let (Ok(trace), Ok(span_id)) =
                    (TraceId::from_hex(trace), SpanId::from_hex(span_id))
                {
                    let remote = SpanContext::new(
                        trace,
                        span_id,
                        TraceFlags::SAMPLED,
                        true,
                        TraceState::default(),
                    );
                    let _ = span
                        .set_parent(opentelemetry::Context::new().with_remote_span_context(remote));
                }
            }
        }
        let context = span.context();
        let own = context.span().span_context().clone();
        if own.is_valid() {
            let trace_id = own.trace_id().to_string();
            return (format!("00-{trace_id}-{}-01", own.span_id()), trace_id);
        }
    }
    let _ = span;
    caller.next_traceparent()
}
