// SmtpSink: runs tests/tools/smtp_sink.py and reads the JSON it writes beside each message.
#include "support/smtp_sink.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/eventually.hpp"

namespace candela::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string decode_base64(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const auto at = kAlphabet.find(c);
    if (at == std::string::npos) continue;  // padding, line breaks
    buffer = (buffer << 6) | static_cast<unsigned>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

std::string sink_script() {
  return std::string(CANDELA_SOURCE_DIR) + "/tests/tools/smtp_sink.py";
}

}  // namespace

SmtpSink::SmtpSink(int port, bool start_now, std::vector<std::string> reject)
    : port_(port == 0 ? free_port() : port), reject_(std::move(reject)) {
  std::filesystem::create_directories(dir_.path() + "/messages");
  if (start_now) start();
}

SmtpSink::~SmtpSink() {
  stop();
}

void SmtpSink::start() {
  if (process_) return;
  ++generation_;
  std::vector<std::string> argv = {"/usr/bin/python3",        sink_script(), "--dir",
                                   dir_.path() + "/messages", "--port",      std::to_string(port_)};
  for (const auto& address : reject_) {
    argv.push_back("--reject");
    argv.push_back(address);
  }
  const std::string log_path = dir_.path() + "/sink-" + std::to_string(generation_) + ".log";
  process_ = std::make_unique<ChildProcess>(argv, log_path);
  const bool listening = eventually(
      [&] { return read_file(log_path).find("listening on smtp://") != std::string::npos; },
      std::chrono::seconds(15));
  if (!listening) ADD_FAILURE() << "the SMTP sink did not start: " << read_file(log_path);
}

void SmtpSink::stop() {
  if (!process_) return;
  process_->stop();
  process_.reset();
}

std::size_t SmtpSink::count() const {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path() + "/messages")) {
    const auto name = entry.path().filename().string();
    if (name.ends_with(".eml") && name.front() != '.') ++n;
  }
  return n;
}

std::vector<ReceivedMail> SmtpSink::messages() const {
  std::vector<ReceivedMail> out;
  const std::string folder = dir_.path() + "/messages/";
  for (std::size_t n = 1;; ++n) {
    const std::string base = folder + std::to_string(n);
    if (!std::filesystem::exists(base + ".eml")) break;
    const auto parsed = nlohmann::json::parse(read_file(base + ".json"), nullptr, false);
    ReceivedMail mail;
    mail.raw = read_file(base + ".eml");
    if (parsed.is_object()) {
      mail.mail_from = parsed.value("mail_from", "");
      mail.rcpt_to = parsed.value("rcpt_to", std::vector<std::string>{});
      mail.subject = parsed.value("subject", "");
      mail.message_id = parsed.value("message_id", "");
      mail.text = parsed.value("text", "");
      if (parsed.contains("headers") && parsed["headers"].is_object()) {
        for (const auto& [name, value] : parsed["headers"].items())
          mail.headers[name] = value.is_string() ? value.get<std::string>() : value.dump();
      }
      for (const auto& attachment : parsed.value("attachments", nlohmann::json::array())) {
        mail.attachments.push_back({attachment.value("filename", ""),
                                    attachment.value("content_type", ""),
                                    decode_base64(attachment.value("content_base64", ""))});
      }
      if (parsed.contains("parse_error")) {
        ADD_FAILURE() << "message " << n << " could not be parsed: " << parsed["parse_error"];
      }
    }
    out.push_back(std::move(mail));
  }
  return out;
}

bool SmtpSink::wait_for(std::size_t wanted, std::chrono::milliseconds timeout) const {
  return eventually([&] { return count() >= wanted; }, timeout, std::chrono::milliseconds(50));
}

std::string SmtpSink::log() const {
  std::string all;
  for (int g = 1; g <= generation_; ++g)
    all += read_file(dir_.path() + "/sink-" + std::to_string(g) + ".log");
  return all;
}

}  // namespace candela::testing
