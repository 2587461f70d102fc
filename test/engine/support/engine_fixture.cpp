#include "support/engine_fixture.hpp"

#include <fstream>
#include <sstream>
#include <thread>

namespace aion::engine::test {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string test_beam(const std::string& module) {
  return read_file(std::string(AION_TEST_ENGINE_BEAM_DIR) + "/" + module + ".beam");
}

std::size_t count_of(const std::vector<std::string>& types, const std::string& type) {
  return static_cast<std::size_t>(std::count(types.begin(), types.end(), type));
}

engine_fixture::engine_fixture(std::unique_ptr<backend> b) : db(std::move(b)) {
  // Small pools: the suites run side by side on a 2-core machine.
  config.activity_threads = 2;
  open();
}

engine_fixture::~engine_fixture() { close(); }

void engine_fixture::open() {
  auto store = persistence::open_store(db->options());
  BOOST_REQUIRE_MESSAGE(store.ok(), "open_store: " << (store.ok() ? "" : store.err().to_string()));
  store_ = std::move(*store);
  vm::runtime_config rc;
  rc.scheduler_threads = 2;
  rc.vm.output = [](vm::term, vm::term, std::string_view) {};
  runtime_ = std::make_unique<vm::runtime>(std::move(rc));
  if (prepare) prepare(*runtime_);
  engine_config c = config;
  c.runtime = runtime_.get();
  c.store = store_.get();
  auto opened = engine::open(std::move(c));
  BOOST_REQUIRE_MESSAGE(opened.ok(), "engine::open: " << (opened.ok() ? "" : opened.err().message));
  engine_ = std::move(*opened);
}

void engine_fixture::close() {
  if (engine_) engine_->shutdown();
  engine_.reset();
  runtime_.reset();
  if (store_) store_->close();
  store_.reset();
}

std::int32_t engine_fixture::deploy(const std::vector<std::string>& modules) {
  std::vector<std::string> beams;
  for (const auto& m : modules) beams.push_back(test_beam(m));
  return require(engine_->deploy(beams), "deploy");
}

run_ref engine_fixture::start(const std::string& module, const std::string& id,
                              const std::string& input,
                              std::optional<std::chrono::milliseconds> execution_timeout) {
  start_options o;
  o.workflow_id = id;
  o.module = module;
  o.input_json = input;
  o.execution_timeout = execution_timeout;
  return require(engine_->start(o), "start");
}

run_result engine_fixture::wait(const std::string& id, std::chrono::milliseconds limit) {
  auto r = engine_->result_of(id, limit);
  BOOST_REQUIRE_MESSAGE(r.ok(), "result of " << id << ": " << (r.ok() ? "" : r.err().message));
  return *r;
}

bool engine_fixture::eventually(const std::function<bool()>& pred,
                                std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

std::vector<history_entry> engine_fixture::events(const std::string& id) {
  std::vector<history_entry> all;
  std::int64_t from = 1;
  for (int page = 0; page < 1000; ++page) {
    auto h = require(engine_->history(id, "", from, 200), "history");
    for (auto& e : h.events) all.push_back(std::move(e));
    if (h.events.empty() || h.end) break;
    from = h.next_seq;
  }
  return all;
}

std::vector<std::string> engine_fixture::event_types(const std::string& id) {
  std::vector<std::string> types;
  for (auto& e : events(id)) types.push_back(e.type);
  return types;
}

}  // namespace aion::engine::test
