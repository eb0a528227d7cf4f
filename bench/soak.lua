-- wrk script for the soak (bench/soak.py): every connection walks whole patient journeys.
--
-- bench/soak.py writes PLAN (the journey, one entry per request) above this file and runs wrk
-- with as many threads as connections. wrk's request() and response() callbacks do not say which
-- connection they serve, but with one connection per thread each thread's Lua state is one
-- browser: its request() and response() strictly alternate.
--
-- A journey starts without a cookie; every cookie a response sets is sent back; every GET of
-- a step page must be that page (its form posts to it) and gives the CSRF token for the POST,
-- which must redirect to the next page. Anything else is an error: the journey starts over.

-- Per-thread state: globals, so that done() can read them with thread:get().
journeys = 0        -- complete journeys
errors = 0          -- wrong status, wrong page, wrong redirect, missing token, no response
first_error = ""
step = 1            -- index into PLAN of the request to send next
cookies = {}        -- name -> value, as last set by the server (a cookie per answered step)
token = nil         -- CSRF token from the last step page
awaiting = false    -- a request was sent and has had no response yet
verifying = false   -- see setup()

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   -- wrk calls request() once on its first thread before the run, to check what it returns;
   -- that request is never sent, so it must not count as waiting for a response.
   thread:set("verifying", #threads == 1)
end

local function fail(message)
   errors = errors + 1
   if first_error == "" then
      first_error = message
   end
   step, cookies, token = 1, {}, nil
end

local function cookie_header()
   local parts = {}
   for name, value in pairs(cookies) do
      table.insert(parts, name .. "=" .. value)
   end
   return #parts > 0 and table.concat(parts, "; ") or nil
end

function request()
   local r = PLAN[step]
   if verifying then
      verifying = false
      return wrk.format(r.method, r.path)
   end
   if awaiting then  -- wrk reconnected without a response (socket error or timeout)
      fail("no response to " .. r.method .. " " .. r.path)
      r = PLAN[step]
   end
   awaiting = true
   local headers = {}
   headers["Cookie"] = cookie_header()
   local body = nil
   if r.method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = r.body .. "&csrf_token=" .. (token or "")
      if ORIGIN ~= "" then  -- over HTTPS, Flask-WTF checks that the form came from this site
         headers["Referer"] = ORIGIN .. r.path
      end
   end
   return wrk.format(r.method, r.path, headers, body)
end

local function header(headers, name)
   return headers[name] or headers[string.lower(name)]
end

function response(status, headers, body)
   awaiting = false
   local r = PLAN[step]
   local what = r.method .. " " .. r.path
   local set = header(headers, "Set-Cookie")
   -- wrk keeps only the last Set-Cookie of a response; the app sets one per response on
   -- this journey (the main cookie on a GET, the step's cookie on a POST).
   if set then  -- a new value, or "name=; Expires=(the past)" when the server deletes it
      local name, value = string.match(set, "^([^=;]+)=([^;]*)")
      if name then
         cookies[name] = value ~= "" and value or nil
      end
   end
   if status ~= r.status then
      return fail(what .. ": status " .. status .. ", expected " .. r.status)
   end
   if r.location then
      local location = header(headers, "Location") or ""
      location = string.gsub(location, "^https?://[^/]+", "")
      if location ~= r.location then
         return fail(what .. ": redirected to '" .. location .. "', expected '" .. r.location
                     .. "'")
      end
   end
   if r.contains and not string.find(body, r.contains, 1, true) then
      return fail(what .. ": the page does not contain '" .. r.contains .. "'")
   end
   if r.token then
      token = string.match(body, 'name="csrf_token" value="([^"]+)"')
      if not token then
         return fail(what .. ": no CSRF token on the page")
      end
   end
   step = step + 1
   if step > #PLAN then
      journeys = journeys + 1
      step, cookies, token = 1, {}, nil
   end
end

function done(summary, latency, requests)
   local total_journeys, total_errors, first, busiest, idlest = 0, 0, "", 0, nil
   for _, thread in ipairs(threads) do
      local j = thread:get("journeys")
      total_journeys = total_journeys + j
      total_errors = total_errors + thread:get("errors")
      if first == "" then
         first = thread:get("first_error")
      end
      busiest = math.max(busiest, j)
      idlest = idlest and math.min(idlest, j) or j
   end
   local e = summary.errors
   io.write("SOAK journeys " .. total_journeys .. "\n")
   io.write("SOAK journeys_min " .. (idlest or 0) .. "\n")
   io.write("SOAK journeys_max " .. busiest .. "\n")
   io.write("SOAK page_errors " .. total_errors .. "\n")
   io.write("SOAK requests " .. summary.requests .. "\n")
   io.write("SOAK duration_us " .. summary.duration .. "\n")
   io.write(string.format("SOAK socket_errors %d %d %d %d\n", e.connect, e.read, e.write,
                          e.timeout))
   io.write("SOAK status_errors " .. e.status .. "\n")
   io.write(string.format("SOAK latency_us %d %d %d %d %d\n", latency:percentile(50),
                          latency:percentile(90), latency:percentile(95), latency:percentile(99),
                          latency.max))
   io.write("SOAK first_error " .. first .. "\n")
end
