#include "pipeline/pipeline_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace jsm::pipeline {
namespace {

std::string WriteConfig(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(PipelineOptions, FileOverridesDefaults) {
  auto options = LoadPipelineOptions(WriteConfig("ok.toml",
      "[lakehouse]\nuri = \"/data/lh\"\n[kafka]\nbootstrap = \"k:9092\"\ntopic = \"orders\"\n"
      "[kafka.properties]\n\"security.protocol\" = \"SSL\"\n"
      "[ingest]\ncommit_messages = 5000\n[parquet]\ncompression = \"snappy\"\n"));
  ASSERT_TRUE(options) << options.error().ToString();
  EXPECT_EQ(options->lakehouse, "/data/lh");
  EXPECT_EQ(options->bootstrap, "k:9092");
  EXPECT_EQ(options->topic, "orders");
  EXPECT_EQ(options->kafka_properties.at("security.protocol"), "SSL");
  EXPECT_EQ(options->ingest_commit_messages, 5000);
  EXPECT_EQ(options->ingest_commit_interval_ms, PipelineOptions{}.ingest_commit_interval_ms);
  EXPECT_EQ(options->parquet.compression, parquet::Compression::kSnappy);
}

TEST(PipelineOptions, UnknownKeyNamesFileLineAndColumn) {
  auto options = LoadPipelineOptions(WriteConfig("unknown.toml", "[ingest]\ncommit_messages = 5\ncommit_mesages = 7\n"));
  ASSERT_FALSE(options);
  EXPECT_NE(options.error().message().find("unknown.toml:3:"), std::string::npos) << options.error().message();
  EXPECT_NE(options.error().message().find("ingest.commit_mesages"), std::string::npos);
}

TEST(PipelineOptions, WrongTypeAndSyntaxErrorsAreReported) {
  auto typed = LoadPipelineOptions(WriteConfig("typed.toml", "[ingest]\ncommit_messages = \"many\"\n"));
  ASSERT_FALSE(typed);
  EXPECT_NE(typed.error().message().find("typed.toml:2:"), std::string::npos) << typed.error().message();
  auto broken = LoadPipelineOptions(WriteConfig("broken.toml", "[ingest\n"));
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("broken.toml:1:"), std::string::npos) << broken.error().message();
}

TEST(PipelineOptions, NonPositiveBatchSizeIsRejected) {
  EXPECT_FALSE(LoadPipelineOptions(WriteConfig("zero.toml", "[ingest]\ncommit_messages = 0\n")));
}

TEST(PipelineOptions, AnEventSizeLimitOutOfRangeIsRejectedWithItsLineNotWrapped) {
  for (const char* value : {"-1", "0", "67108865", "-9223372036854775807"}) {
    auto options = LoadPipelineOptions(
        WriteConfig("event_bytes.toml", std::string("[refine]\nmax_event_bytes = ") + value + "\n"));
    ASSERT_FALSE(options) << value << " gave " << options->max_event_bytes;
    EXPECT_NE(options.error().message().find("event_bytes.toml:2:"), std::string::npos) << options.error().message();
    EXPECT_NE(options.error().message().find("must be 1 to 67108864"), std::string::npos) << options.error().message();
  }
  auto largest = LoadPipelineOptions(WriteConfig("event_bytes_max.toml", "[refine]\nmax_event_bytes = 67108864\n"));
  ASSERT_TRUE(largest) << largest.error().ToString();
  EXPECT_EQ(largest->max_event_bytes, 67108864u);
}

}  // namespace
}  // namespace jsm::pipeline

namespace jsm::pipeline {
namespace {

TEST(PipelineOptions, WhatARunWouldRefuseOrThatMakesNoSenseIsRejectedNamingFileLineAndKey) {
  struct Case {
    const char* text;
    const char* says;
  };
  const Case cases[] = {
      {"[kafka.properties]\n\"bogus.property\" = \"1\"\n", "bogus.property"},
      {"[kafka.properties]\n\"fetch.wait.max.ms\" = \"soon\"\n", "fetch.wait.max.ms"},
      {"[kafka.properties]\n\"sasl.password\" = \"${JSM_TEST_SURELY_UNSET_VARIABLE}\"\n",
       "JSM_TEST_SURELY_UNSET_VARIABLE"},
      {"[lakehouse]\nuri = \"s3://bucket/lake\"\n", "scheme 's3'"},
      {"[lakehouse]\nuri = \"\"\n", "'lakehouse.uri' is empty"},
      {"[kafka]\ntopic = \"\"\n", "a Kafka topic name"},
      {"[kafka]\ntopic = \"bad name!*\"\n", "a Kafka topic name"},
      {"[kafka]\ntopic = \"a\\nb\"\n", "a Kafka topic name"},
      {"[kafka]\ngroup_id = \"\"\n", "'kafka.group_id' is empty"},
      {"[kafka]\nbootstrap = \"not a host\"\n", "is not HOST:PORT"},
      {"[kafka]\nbootstrap = \"broker:99999\"\n", "not 1 to 65535"},
      {"[kafka]\nbootstrap = \"a:9092, b:9092\"\n", "space"},
      {"[kafka]\ncompression = \"brotli\"\n", "none, gzip, snappy, lz4 or zstd"},
      {"[dlq]\nmax_attempts = 0\n", "'dlq.max_attempts' is 0, must be 1 to 1000"},
      {"[ingest]\nmax_lag = -1\n", "'ingest.max_lag' is -1, must be 0 or more"},
      {"[ingest]\ncommit_interval_ms = 0\n", "'ingest.commit_interval_ms' is 0"},
      {"[parquet]\nrow_group_bytes = 0\n", "'parquet.row_group_bytes' is 0"},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string name = "refused" + std::to_string(n++) + ".toml";
    auto options = LoadPipelineOptions(WriteConfig(name, c.text));
    ASSERT_FALSE(options) << c.text;
    EXPECT_EQ(options.error().code(), ErrorCode::kInvalidArgument) << c.text;
    EXPECT_NE(options.error().message().find(name + ":2:"), std::string::npos) << options.error().message();
    EXPECT_NE(options.error().message().find(c.says), std::string::npos) << options.error().message();
  }
  auto good = LoadPipelineOptions(WriteConfig("accepted.toml",
                                              "[kafka]\nbootstrap = \"b1:9092,b2:9093\"\ntopic = \"orders.v2_x-y\"\n"
                                              "compression = \"zstd\"\n[kafka.properties]\n\"fetch.wait.max.ms\" = \"50\"\n"
                                              "[lakehouse]\nuri = \"abfss://c@a.dfs.core.windows.net/lake\"\n"));
  EXPECT_TRUE(good) << good.error().ToString();
}

TEST(PipelineOptions, StorageAzureSectionIsReadAsWrittenWithItsSource) {
  const std::string path = WriteConfig("azure.toml",
      "[lakehouse]\nuri = \"az://lake/jsm\"\n[storage.azure]\naccount = \"jsmdata\"\nkey = \"${LAKE_KEY}\"\n"
      "sas_token = \"sv=1\"\nconnection_string = \"${CONN}\"\nendpoint = \"http://127.0.0.1:1/jsmdata\"\n");
  auto options = LoadPipelineOptions(path);
  ASSERT_TRUE(options) << options.error().ToString();
  const storage::AzureSettings& azure = options->storage.azure;
  EXPECT_EQ(azure.account, "jsmdata");
  EXPECT_EQ(azure.key, "${LAKE_KEY}");  // expanded only when an Azure store opens
  EXPECT_EQ(azure.sas_token, "sv=1");
  EXPECT_EQ(azure.connection_string, "${CONN}");
  EXPECT_EQ(azure.endpoint, "http://127.0.0.1:1/jsmdata");
  EXPECT_EQ(azure.source, path + " [storage.azure]");
  EXPECT_TRUE(PipelineOptions{}.storage.azure.empty());
}

TEST(PipelineOptions, StorageAzureUnknownKeyAndWrongTypeAreNamed) {
  auto unknown = LoadPipelineOptions(WriteConfig("azure_unknown.toml", "[storage.azure]\naccount = \"a\"\naccess_key = \"x\"\n"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("azure_unknown.toml:3:"), std::string::npos) << unknown.error().message();
  EXPECT_NE(unknown.error().message().find("storage.azure.access_key"), std::string::npos);
  auto typed = LoadPipelineOptions(WriteConfig("azure_typed.toml", "[storage.azure]\nkey = 42\n"));
  ASSERT_FALSE(typed);
  EXPECT_NE(typed.error().message().find("storage.azure.key"), std::string::npos);
  auto other = LoadPipelineOptions(WriteConfig("storage_other.toml", "[storage]\ns3 = 1\n"));
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message().find("storage.s3"), std::string::npos);
}

TEST(PipelineOptions, ShippedConfigFileHoldsTheDefaults) {
  auto options = LoadPipelineOptions(JSM_SOURCE_DIR "/config/pipeline.toml");
  ASSERT_TRUE(options) << options.error().ToString();
  const PipelineOptions defaults;
  EXPECT_EQ(options->lakehouse, defaults.lakehouse);
  EXPECT_EQ(options->bootstrap, defaults.bootstrap);
  EXPECT_EQ(options->topic, defaults.topic);
  EXPECT_EQ(options->ingest_commit_messages, defaults.ingest_commit_messages);
  EXPECT_EQ(options->ingest_commit_interval_ms, defaults.ingest_commit_interval_ms);
  EXPECT_EQ(options->max_ingest_lag, defaults.max_ingest_lag);
  EXPECT_EQ(options->refine_max_rows, defaults.refine_max_rows);
  EXPECT_EQ(options->max_event_bytes, defaults.max_event_bytes);
  EXPECT_EQ(options->parquet.compression, defaults.parquet.compression);
  EXPECT_EQ(options->parquet.row_group_bytes, defaults.parquet.row_group_bytes);
  ASSERT_EQ(options->expectations.size(), defaults.expectations.size());
  for (size_t i = 0; i < defaults.expectations.size(); ++i) {
    EXPECT_EQ(options->expectations[i].name, defaults.expectations[i].name);
    EXPECT_EQ(options->expectations[i].rule, defaults.expectations[i].rule);
    EXPECT_EQ(options->expectations[i].action, defaults.expectations[i].action);
  }
}

TEST(PipelineOptions, DeclaredExpectationsReplaceTheDefaults) {
  auto options = LoadPipelineOptions(WriteConfig("expect.toml",
      "[[expectations]]\nname = \"cheap\"\nrule = \"unit_price < 10\"\naction = \"warn\"\n"));
  ASSERT_TRUE(options) << options.error().ToString();
  ASSERT_EQ(options->expectations.size(), 1u);
  EXPECT_EQ(options->expectations[0].name, "cheap");
  EXPECT_EQ(options->expectations[0].action, "warn");
}

TEST(PipelineOptions, ExpectationMistakesPointAtFileLineColumnAndRulePosition) {
  auto bad_rule = LoadPipelineOptions(WriteConfig("badrule.toml",
      "[ingest]\ncommit_messages = 5\n\n[[expectations]]\nname = \"p\"\nrule = \"prise > 0\"\n"));
  ASSERT_FALSE(bad_rule);
  EXPECT_NE(bad_rule.error().message().find("badrule.toml:6:8: expectation 'p': rule at 1: unknown column 'prise'"),
            std::string::npos) << bad_rule.error().message();
  auto bad_action = LoadPipelineOptions(WriteConfig("badaction.toml",
      "[[expectations]]\nname = \"p\"\nrule = \"quantity > 0\"\naction = \"explode\"\n"));
  ASSERT_FALSE(bad_action);
  EXPECT_NE(bad_action.error().message().find("action must be warn, drop or fail, not 'explode'"), std::string::npos);
  auto unknown_key = LoadPipelineOptions(WriteConfig("badkey.toml",
      "[[expectations]]\nname = \"p\"\nrul = \"quantity > 0\"\n"));
  ASSERT_FALSE(unknown_key);
  EXPECT_NE(unknown_key.error().message().find("badkey.toml:3:1: unknown expectation key 'rul'"), std::string::npos)
      << unknown_key.error().message();
}

std::string Normal(const std::string& path) { return std::filesystem::path(path).lexically_normal().string(); }

TEST(PipelineOptions, NormalizationFilesAreRelativeToTheConfigAndLoaded) {
  WriteConfig("my_overrides.csv", "# mine\nproduct_no,product_name\n22485,Crates\n");
  auto options = LoadPipelineOptions(WriteConfig("normalization.toml",
      "[normalization]\nproduct_name_overrides = \"my_overrides.csv\"\n"));
  ASSERT_TRUE(options) << options.error().ToString();
  EXPECT_EQ(options->normalization_paths.product_name_overrides, Normal(::testing::TempDir() + "/my_overrides.csv"));
  ASSERT_NE(options->normalization, nullptr);
  EXPECT_EQ(options->normalization->product_names.Override("22485"), "Crates");
  EXPECT_GE(options->normalization->countries.size(), 38u);  // the other tables stay built in
}

TEST(PipelineOptions, ABadNormalizationRowIsReportedWithItsFileAndLine) {
  WriteConfig("bad_countries.csv", "alias,name,code\nuk,United Kingdom,GB\nUK,Ukraine,UA\n");
  auto options = LoadPipelineOptions(WriteConfig("bad_normalization.toml",
      "[normalization]\ncountries = \"bad_countries.csv\"\n"));
  ASSERT_FALSE(options);
  EXPECT_EQ(options.error().message(),
            Normal(::testing::TempDir() + "/bad_countries.csv") + ":3: duplicate alias 'uk' (first on line 2)");
  auto unknown = LoadPipelineOptions(WriteConfig("unknown_normalization.toml", "[normalization]\ncurrency = \"x\"\n"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("unknown_normalization.toml:2:"), std::string::npos);
}

TEST(PipelineOptions, TheShippedConfigNamesTheShippedTables) {
  auto options = LoadPipelineOptions(std::string(JSM_SOURCE_DIR) + "/config/pipeline.toml");
  ASSERT_TRUE(options) << options.error().ToString();
  EXPECT_EQ(options->normalization_paths.countries,
            std::string(JSM_SOURCE_DIR) + "/config/normalization/countries.csv");
  EXPECT_EQ(options->normalization->countries.size(), model::DefaultNormalizationTables()->countries.size());
}

}  // namespace
}  // namespace jsm::pipeline

namespace jsm::pipeline {
namespace {

TEST(PipelineOptions, PrivacySectionIsReadAndOffByDefault) {
  EXPECT_FALSE(PipelineOptions{}.pseudonymize_customer);
  EXPECT_EQ(PipelineOptions{}.pseudonym_key_env, "JSM_PSEUDONYM_KEY");
  auto options = LoadPipelineOptions(
      WriteConfig("privacy.toml", "[privacy]\npseudonymize_customer = true\nkey_env = \"MY_KEY\"\n"));
  ASSERT_TRUE(options) << options.error().ToString();
  EXPECT_TRUE(options->pseudonymize_customer);
  EXPECT_EQ(options->pseudonym_key_env, "MY_KEY");
  auto typed = LoadPipelineOptions(WriteConfig("privacy_typed.toml", "[privacy]\npseudonymize_customer = \"yes\"\n"));
  ASSERT_FALSE(typed);
  EXPECT_NE(typed.error().message().find("privacy_typed.toml:2:"), std::string::npos) << typed.error().message();
  EXPECT_FALSE(LoadPipelineOptions(WriteConfig("privacy_empty.toml", "[privacy]\nkey_env = \"\"\n")));
  auto shipped = LoadPipelineOptions(JSM_SOURCE_DIR "/config/pipeline.toml");
  ASSERT_TRUE(shipped) << shipped.error().ToString();
  EXPECT_FALSE(shipped->pseudonymize_customer);
  EXPECT_EQ(shipped->pseudonym_key_env, "JSM_PSEUDONYM_KEY");
}

TEST(PipelineOptions, StaticMembershipIsOnByDefaultAndCanBeTurnedOff) {
  EXPECT_TRUE(PipelineOptions{}.static_membership);
  auto shipped = LoadPipelineOptions(JSM_SOURCE_DIR "/config/pipeline.toml");
  ASSERT_TRUE(shipped) << shipped.error().ToString();
  EXPECT_TRUE(shipped->static_membership);
  auto dynamic = LoadPipelineOptions(WriteConfig("dynamic.toml", "[kafka]\nstatic_membership = false\n"));
  ASSERT_TRUE(dynamic) << dynamic.error().ToString();
  EXPECT_FALSE(dynamic->static_membership);
  auto typed = LoadPipelineOptions(WriteConfig("dynamic_typed.toml", "[kafka]\nstatic_membership = \"no\"\n"));
  ASSERT_FALSE(typed);
  EXPECT_NE(typed.error().message().find("dynamic_typed.toml:2:"), std::string::npos) << typed.error().message();
  EXPECT_NE(typed.error().message().find("kafka.static_membership"), std::string::npos) << typed.error().message();
}

}  // namespace
}  // namespace jsm::pipeline
