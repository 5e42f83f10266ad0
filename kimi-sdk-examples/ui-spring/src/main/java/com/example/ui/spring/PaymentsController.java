package com.example.ui.spring;

import io.github.kimisdk.json.Json;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What the payment service did, for the page's counter (MVC and WebFlux alike). */
@RestController
class PaymentsController {
  private final Payments payments;

  PaymentsController(Payments payments) {
    this.payments = payments;
  }

  @GetMapping(value = "/api/payments", produces = MediaType.APPLICATION_JSON_VALUE)
  String payments() {
    return Json.write(payments.toJson());
  }
}
