#!/usr/bin/env python3
"""A stand-in for the part of GitHub's REST API that scripts/action.sh uses: the comments of a
pull request's conversation, listed a page at a time, created and edited.

    github_api_stub.py STATE

STATE is a JSON file {"token": ..., "repository": "owner/name", "comments": {"7": [...]}}; it is
read at start and written back after every change, with each request appended to its
"requests" list as "METHOD PATH". A request without "Authorization: Bearer <token>" gets 401.
Prints "port N" once it listens on 127.0.0.1:N, then serves until it is killed.
"""
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

state_file = sys.argv[1]
with open(state_file) as f:
    state = json.load(f)
state.setdefault("requests", [])
state.setdefault("comments", {})


def save():
    with open(state_file, "w") as f:
        json.dump(state, f)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def route(self, method):
        url = urlsplit(self.path)
        state["requests"].append(f"{method} {url.path}")
        save()
        if self.headers.get("Authorization") != f"Bearer {state['token']}":
            return self.reply(401, {"message": "Bad credentials"})
        prefix = f"/repos/{state['repository']}/issues/"
        listing = re.fullmatch(re.escape(prefix) + r"(\d+)/comments", url.path)
        single = re.fullmatch(re.escape(prefix) + r"comments/(\d+)", url.path)
        if listing and method == "GET":
            query = parse_qs(url.query)
            per_page = int(query.get("per_page", ["30"])[0])
            page = int(query.get("page", ["1"])[0])
            comments = state["comments"].get(listing.group(1), [])
            return self.reply(200, comments[(page - 1) * per_page : page * per_page])
        if listing and method == "POST":
            comments = state["comments"].setdefault(listing.group(1), [])
            all_ids = [c["id"] for cs in state["comments"].values() for c in cs]
            comment = {
                "id": max(all_ids, default=1000) + 1,
                "body": self.body()["body"],
                "user": {"login": "github-actions[bot]", "type": "Bot"},
            }
            comment["html_url"] = f"https://github.invalid/comment/{comment['id']}"
            comments.append(comment)
            save()
            return self.reply(201, comment)
        if single and method == "PATCH":
            for comments in state["comments"].values():
                for comment in comments:
                    if comment["id"] == int(single.group(1)):
                        comment["body"] = self.body()["body"]
                        comment["html_url"] = f"https://github.invalid/comment/{comment['id']}"
                        save()
                        return self.reply(200, comment)
        return self.reply(404, {"message": "Not Found"})

    def body(self):
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PATCH(self):
        self.route("PATCH")


server = HTTPServer(("127.0.0.1", 0), Handler)
print(f"port {server.server_address[1]}", flush=True)
server.serve_forever()
