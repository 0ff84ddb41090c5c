#include "serve/api_router.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>

#include "unit/serve/test_lakehouse.h"

namespace jsm::serve {
namespace {

class ApiRouterTest : public LakehouseTest {
 protected:
  HttpResponse Get(ApiRouter& router, const std::string& path, std::multimap<std::string, std::string> params = {},
                   const std::string& authorization = "") {
    HttpRequest request;
    request.path = path;
    request.params = std::move(params);
    request.authorization = authorization;
    return router.Handle(request);
  }
};

TEST_F(ApiRouterTest, HealthAndReadiness) {
  ApiRouter router(store_.get(), AccessControl("", true));
  EXPECT_EQ(Get(router, "/healthz").status, 200);
  HttpResponse ready = Get(router, "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_NE(ready.body.find(R"("tables":2)"), std::string::npos) << ready.body;
}

TEST_F(ApiRouterTest, ReadinessAndMetricsSayWhichStageOfTheRunKeepsFailingAndRecover) {
  pipeline::StageHealth health;
  ApiRouter router(store_.get(), AccessControl("", true), StaticFiles(), nullptr, &health);
  health.Healthy("ingest");
  health.Healthy("refine");
  EXPECT_EQ(Get(router, "/readyz").status, 200);
  health.Failing("ingest", Error(ErrorCode::kUnavailable, "all brokers are down \xff"), 3);
  HttpResponse ready = Get(router, "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_NE(ready.body.find(R"("ready":false)"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find(R"({"stage":"ingest","failing":true,"failing_for_s":)"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find("\"attempts\":3,\"last_error\":\"unavailable: all brokers are down \xef\xbf\xbd\""),
            std::string::npos)
      << ready.body;
  EXPECT_NE(ready.body.find(R"({"stage":"refine","failing":false})"), std::string::npos) << ready.body;
  simdjson::dom::parser parser;
  EXPECT_EQ(parser.parse(ready.body).error(), simdjson::SUCCESS) << ready.body;
  HttpResponse metrics = Get(router, "/metrics");
  EXPECT_NE(metrics.body.find("jsm_stage_failing{stage=\"ingest\"} 1\n"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("jsm_stage_failing{stage=\"refine\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("jsm_stage_failed_attempts{stage=\"ingest\"} 3\n"), std::string::npos);
  health.Healthy("ingest");
  EXPECT_EQ(Get(router, "/readyz").status, 200);
  EXPECT_NE(Get(router, "/metrics").body.find("jsm_stage_failing{stage=\"ingest\"} 0\n"), std::string::npos);
}

TEST_F(ApiRouterTest, WithoutARunReadinessListsNoStages) {
  ApiRouter router(store_.get(), AccessControl("", true));
  HttpResponse ready = Get(router, "/readyz");
  EXPECT_EQ(ready.body.find("stages"), std::string::npos) << ready.body;
  EXPECT_EQ(Get(router, "/metrics").body.find("jsm_stage_failing"), std::string::npos);
}

TEST_F(ApiRouterTest, HealthSaysWhetherLagIsConfiguredAndSumsCommitConflicts) {
  ApiRouter router(store_.get(), AccessControl("", true));
  HttpResponse ready = Get(router, "/readyz");
  EXPECT_NE(ready.body.find(R"("lag":{"configured":false,"reason":"no Kafka settings)"), std::string::npos) << ready.body;
  HttpResponse health = Get(router, "/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_NE(health.body.find(R"("configured":false)"), std::string::npos) << health.body;
  EXPECT_NE(health.body.find(R"("commit_conflicts":{"total":0,"by_table":[{"stage":"refine","table":"silver/pedidos","conflicts":0}]})"),
            std::string::npos)
      << health.body;
}

TEST_F(ApiRouterTest, HealthShowsTheLagOfEachPartition) {
  LagReport report;
  report.configured = true;
  report.kafka_up = true;
  report.topic = "pedidos";
  report.partitions = ComputeLag({{0, {0, 10}}, {1, {0, 4}}}, {{0, 7}}, {});
  delta::JsonWriter json;
  WriteLagJson(report, &json);
  const std::string body = json.Take();
  EXPECT_NE(body.find(R"("total":7)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"({"partition":0,"high_watermark":10,"low_watermark":0,"bronze_offset":7,"lag":3})"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find(R"({"partition":1,"high_watermark":4,"low_watermark":0,"bronze_offset":-1,"lag":4})"),
            std::string::npos)
      << body;
}

TEST_F(ApiRouterTest, ListsTablesWithVersionAndRows) {
  ApiRouter router(store_.get(), AccessControl("", true));
  HttpResponse response = Get(router, "/api/tables");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_NE(response.body.find(R"({"layer":"gold","name":"things","version":2,"rows":3,"files":2})"), std::string::npos)
      << response.body;
  EXPECT_NE(response.body.find(R"("layer":"_system","name":"event_log")"), std::string::npos) << response.body;
}

TEST_F(ApiRouterTest, ServesTableRowsAsJsonOrCsv) {
  ApiRouter router(store_.get(), AccessControl("", true));
  HttpResponse json = Get(router, "/api/tables/gold/things", {{"order", "-units"}, {"limit", "1"}});
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_NE(json.body.find(R"("rows":[{"name":"fig \"big\"")"), std::string::npos) << json.body;
  EXPECT_NE(json.body.find(R"("truncated":true)"), std::string::npos) << json.body;
  HttpResponse csv = Get(router, "/api/tables/gold/things", {{"format", "csv"}, {"version", "1"}, {"order", "name"}});
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")), "name,units,price,day,rate");
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 3);
}

TEST_F(ApiRouterTest, ClearClientErrors) {
  ApiRouter router(store_.get(), AccessControl("", true));
  EXPECT_EQ(Get(router, "/api/tables/gold/nothing").status, 404);
  EXPECT_EQ(Get(router, "/api/tables/gold").status, 404);
  EXPECT_EQ(Get(router, "/api/tables/gold/things/extra").status, 404);
  EXPECT_EQ(Get(router, "/nowhere").status, 404);
  HttpResponse bad = Get(router, "/api/tables/gold/things", {{"limit", "lots"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("limit=lots"), std::string::npos) << bad.body;
  EXPECT_EQ(Get(router, "/api/tables/gold/things", {{"order", "missing"}}).status, 400);
  EXPECT_EQ(Get(router, "/api/tables/gold/things", {{"version", "42"}}).status, 404);
  HttpRequest post;
  post.method = "POST";
  post.path = "/api/tables";
  EXPECT_EQ(router.Handle(post).status, 405);
}

// Found by tests/fuzz/api_query_fuzz.cc: "no route /metri\xb4c" quoted the path's
// raw bytes, and the 404 body was not valid JSON.
TEST_F(ApiRouterTest, ErrorQuotingBytesThatAreNotUtf8IsStillValidUtf8) {
  ApiRouter router(store_.get(), AccessControl("", true));
  HttpResponse route = Get(router, "/metri\xb4" "c");
  EXPECT_EQ(route.status, 404);
  EXPECT_NE(route.body.find("/metri\xEF\xBF\xBD" "c"), std::string::npos) << route.body;
  HttpResponse filter = Get(router, "/api/tables/gold/things", {{"filter", "name = '\xff\xc3'"}, {"limit", "x\xe2\x82"}});
  EXPECT_EQ(filter.status, 400);
  // Valid UTF-8 passes unchanged, each invalid byte is one U+FFFD.
  EXPECT_EQ(ErrorResponse(400, "caf\xC3\xA9 \xF0\x9F\x98\x80 \xED\xA0\x80 \xC0\xAF").body,
            "{\"error\":\"caf\xC3\xA9 \xF0\x9F\x98\x80 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\"}\n");
  for (const HttpResponse& response : {route, filter}) {
    EXPECT_TRUE(simdjson::validate_utf8(response.body.data(), response.body.size())) << response.body;
  }
}

TEST_F(ApiRouterTest, PathTraversalNeverLeavesTheTables) {
  ApiRouter router(store_.get(), AccessControl("", true));
  for (const char* path : {"/api/tables/../_system/event_log", "/api/tables/gold/..", "/api/tables/../../etc",
                           "/api/tables/gold/..%2f..%2fetc", "/api/tables//things", "/api/tables/gold/./things"}) {
    const int status = Get(router, path).status;
    EXPECT_TRUE(status == 400 || status == 404) << path << " -> " << status;
  }
}

TEST_F(ApiRouterTest, TokenGuardsEverythingButHealthz) {
  ApiRouter router(store_.get(), AccessControl("tok", false));
  EXPECT_EQ(Get(router, "/healthz").status, 200);
  for (const char* path : {"/readyz", "/metrics", "/api/tables", "/api/tables/gold/things", "/nowhere"}) {
    HttpResponse denied = Get(router, path);
    EXPECT_EQ(denied.status, 401) << path;
  }
  EXPECT_EQ(Get(router, "/api/tables", {}, "Bearer tok").status, 200);
  EXPECT_EQ(Get(router, "/api/tables/gold/things", {{"token", "tok"}}).status, 200);
  EXPECT_EQ(Get(router, "/metrics", {}, "Bearer nope").status, 401);
}

TEST_F(ApiRouterTest, MetricsAreServedAsPrometheusText) {
  ApiRouter router(store_.get(), AccessControl("", true));
  HttpResponse metrics = Get(router, "/metrics");
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("jsm_table_version{table=\"gold/things\"} 2\n"), std::string::npos) << metrics.body;
}

TEST_F(ApiRouterTest, ServesTheDashboardAtRootItsFilesWithoutTheTokenItsDataWithIt) {
  const std::string web = dir_.path() + "/web";
  std::filesystem::create_directories(web);
  std::ofstream(web + "/index.html") << "<html>dashboard</html>";
  std::ofstream(web + "/app.js") << "run();";
  ApiRouter open_router(store_.get(), AccessControl("", true), StaticFiles(web));
  HttpResponse page = Get(open_router, "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<html>dashboard</html>");
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(Get(open_router, "/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(open_router, "/../lake").status, 404);
  EXPECT_EQ(Get(open_router, "/api/tables").status, 200);  // the API routes still win

  // A page opened as /?token=T loads its files without the token (they hold no data) and
  // sends it with every data request.
  ApiRouter guarded(store_.get(), AccessControl("s3cret", false), StaticFiles(web));
  EXPECT_EQ(Get(guarded, "/").status, 200);
  EXPECT_EQ(Get(guarded, "/app.js").status, 200);
  EXPECT_EQ(Get(guarded, "/api/tables").status, 401);
  EXPECT_EQ(Get(guarded, "/metrics").status, 401);
  EXPECT_EQ(Get(guarded, "/readyz").status, 401);
  EXPECT_EQ(Get(guarded, "/no-such-file").status, 401);
  EXPECT_EQ(Get(guarded, "/api/tables", {}, "Bearer s3cret").status, 200);

  ApiRouter without(store_.get(), AccessControl("", true));
  HttpResponse none = Get(without, "/");
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("make dashboard"), std::string::npos) << none.body;
}

TEST_F(ApiRouterTest, ErrorBodiesNameTheTableNeverAnAbsolutePath) {
  ApiRouter router(store_.get(), AccessControl("", true));
  HttpResponse version = Get(router, "/api/tables/gold/things", {{"version", "42"}});
  EXPECT_EQ(version.status, 404);
  EXPECT_EQ(version.body.find(dir_.path()), std::string::npos) << version.body;
  // A data file gone: the table cannot be read, and the body says which table, not where it lives.
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path() + "/lake/gold/things")) {
    if (entry.path().extension() == ".parquet") std::filesystem::remove(entry.path());
  }
  HttpResponse broken = Get(router, "/api/tables/gold/things");
  EXPECT_GE(broken.status, 400) << broken.body;
  EXPECT_NE(broken.body.find("gold/things cannot be read"), std::string::npos) << broken.body;
  EXPECT_EQ(broken.body.find(dir_.path()), std::string::npos) << broken.body;
  EXPECT_EQ(broken.body.find(".parquet"), std::string::npos) << broken.body;
}

TEST_F(ApiRouterTest, AHostHeaderNamingAnotherSiteGets421AgainstDnsRebinding) {
  ApiRouter router(store_.get(), AccessControl("", true, {"127.0.0.1", "dash.internal"}));
  HttpRequest request;
  request.path = "/api/tables";
  for (const char* host : {"attacker.example", "attacker.example:8080"}) {
    request.host = host;
    HttpResponse refused = router.Handle(request);
    EXPECT_EQ(refused.status, 421) << host;
    EXPECT_NE(refused.body.find("--allow-host"), std::string::npos) << refused.body;
  }
  for (const char* host : {"127.0.0.1:8080", "localhost:8080", "dash.internal", ""}) {
    request.host = host;
    EXPECT_EQ(router.Handle(request).status, 200) << host;
  }
  request.path = "/healthz";  // health probes come by any name
  request.host = "attacker.example";
  EXPECT_EQ(router.Handle(request).status, 200);
}

TEST_F(ApiRouterTest, EveryAnswerCarriesTheSecurityHeaders) {
  ApiRouter router(store_.get(), AccessControl("", true));
  for (const char* path : {"/healthz", "/api/tables", "/no-such-route"}) {
    HttpResponse response = Get(router, path);
    std::map<std::string, std::string> headers(response.headers.begin(), response.headers.end());
    EXPECT_EQ(headers["X-Content-Type-Options"], "nosniff") << path;
    EXPECT_EQ(headers["X-Frame-Options"], "DENY") << path;
    EXPECT_EQ(headers["Referrer-Policy"], "no-referrer") << path;
    const std::string& policy = headers["Content-Security-Policy"];
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
  }
}

}  // namespace
}  // namespace jsm::serve
